#include "page.hpp"

#include <unistd.h>

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

void write_atomically(const std::filesystem::path& file, const std::string& content) {
  // Renaming over a device or a directory would replace it (as root, -o
  // /dev/full once replaced the device with a regular file).
  std::error_code status_ec;
  const auto st = std::filesystem::status(file, status_ec);
  if (std::filesystem::exists(st) && !std::filesystem::is_regular_file(st))
    throw std::runtime_error(fmt::format("{}: exists and is not a regular file; name a file to write", file.string()));
  const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : ".";
  const std::filesystem::path tmp = dir / fmt::format(".{}.tmp.{}", file.filename().string(), getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("{}: cannot be written (directory missing or not writable)", file.string()));
    out << content;
    out.close();
    if (!out) {
      std::filesystem::remove(tmp);
      throw std::runtime_error(fmt::format("{}: writing failed (disk full?)", file.string()));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw std::runtime_error(fmt::format("{}: cannot be renamed into place ({})", file.string(), ec.message()));
  }
}

}  // namespace maskbench::page
