#include "page.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "embedded_assets.hpp"
#include "html.hpp"

namespace maskbench::page {

std::vector<std::filesystem::path> chartjs_candidates() {
  std::vector<std::filesystem::path> out;
  if (const char* env = std::getenv("MASKBENCH_CHARTJS"); env != nullptr && *env != '\0') out.emplace_back(env);
  for (const char* name : {"chart.umd.min.js", "chart.min.js", "chart.umd.js", "chart.js"})
    out.push_back(std::filesystem::path("/usr/share/javascript/chart.js") / name);
  return out;
}

std::string load_chartjs() {
  std::string tried;
  for (const std::filesystem::path& p : chartjs_candidates()) {
    std::ifstream in(p, std::ios::binary);
    if (!in) {
      tried += (tried.empty() ? "" : ", ") + p.string();
      continue;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    // The library goes inside <script>: a "</script" in it would end the
    // element early. Chart.js has none; a replaced file might.
    if (ss.str().find("</script") != std::string::npos)
      throw std::runtime_error(fmt::format("{}: contains '</script' and cannot be inlined", p.string()));
    return ss.str();
  }
  throw std::runtime_error(fmt::format(
      "Chart.js was not found (tried {}); install the Debian package libjs-chart.js "
      "(apt-get install libjs-chart.js) or set MASKBENCH_CHARTJS to a Chart.js UMD build",
      tried));
}

std::string assemble(const std::string& title, const std::string& body, const nlohmann::json& data) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
      "style-src 'unsafe-inline'; img-src data:\">\n"
      "<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n"
      "<pre id=\"mb-errors\" class=\"errors\"></pre>\n{}\n"
      "<script type=\"application/json\" id=\"mb-data\">{}</script>\n"
      "<script>\n{}</script>\n<script>\n{}\n</script>\n</body>\n</html>\n",
      html::escape(title), assets::kReportCss, body, html::script_json(data), assets::kReportJs, load_chartjs());
}

}  // namespace maskbench::page
