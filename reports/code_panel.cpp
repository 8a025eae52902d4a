#include "code_panel.hpp"

#include <map>
#include <tuple>

#include <fmt/format.h>

#include "html.hpp"
#include "prediction_panel.hpp"

namespace maskbench::report {
namespace {

// The mix's columns: key in disasm.json, header.
constexpr std::pair<const char*, const char*> kColumns[] = {
    {"instructions", "instr."}, {"vector", "vector"}, {"mask", "mask"},       {"blend", "blend"},
    {"fma", "FMA"},             {"compress_register", "compress reg."},      {"compress_memory", "compress mem."},
    {"expand", "expand"},       {"gather", "gather"}, {"scatter", "scatter"}, {"scalar_ops", "scalar ops"},
    {"loads", "loads"},         {"stores", "stores"}};

}  // namespace

std::string short_function(const std::string& name) {
  constexpr std::string_view kAnon = "(anonymous namespace)::";
  std::size_t from = 0;
  if (const std::size_t a = name.find(kAnon); a != std::string::npos) from = a + kAnon.size();
  int depth = 0;
  for (std::size_t i = from; i < name.size(); ++i) {
    if (name[i] == '<') ++depth;
    if (name[i] == '>') --depth;
    if (name[i] == '(' && depth == 0) return name.substr(from, i - from);
  }
  return name.substr(from);
}

std::string code_panel(const results::ResultsDir& r, const std::string& kernel) {
  const std::size_t slash = kernel.find('/');
  if (slash == std::string::npos) return "";
  const std::string family = kernel.substr(0, slash), name = kernel.substr(slash + 1);
  std::vector<const results::HotLoop*> mine;
  for (const results::HotLoop& h : r.hot_loops)
    if (h.family == family && (h.benchmark == name || h.benchmark.starts_with(name + "/"))) mine.push_back(&h);
  if (mine.empty()) return "";
  std::string head = "<tr><th>implementation</th><th>loop in</th><th>width</th>";
  for (const auto& [key, title] : kColumns) head += fmt::format("<th>{}</th>", title);
  std::string rows, listings;
  for (const results::HotLoop* h : mine) {
    const std::string label = h->benchmark == name ? h->implementation : h->implementation + " " + h->benchmark.substr(name.size() + 1);
    rows += fmt::format("<tr><th>{}</th>", html::escape(label));
    if (!h->has_loop) {
      rows += fmt::format("<td colspan=\"{}\">{}</td></tr>\n", 2 + std::size(kColumns),
                          html::escape(h->why.empty() ? "no loop found" : h->why));
      continue;
    }
    rows += fmt::format("<td><code>{}</code></td><td>{}</td>", html::escape(short_function(h->function)),
                        html::escape(h->width.empty() ? "none" : h->width));
    for (const auto& [key, title] : kColumns) {
      const auto it = h->mix.find(key);
      rows += fmt::format("<td class=\"num\">{}</td>", it == h->mix.end() ? std::string("?") : std::to_string(it->second));
    }
    rows += "</tr>\n";
    std::string code;
    for (const std::string& line : h->instructions) code += html::escape(line) + "\n";
    listings += fmt::format("<details><summary>{}: {} instructions in <code>{}</code></summary><pre class=\"asm\">{}</pre></details>\n",
                            html::escape(label), h->instructions.size(), html::escape(short_function(h->function)), code);
  }
  return fmt::format(
      "<details class=\"code\"><summary>The code: each implementation's hot loop and its instruction mix</summary>\n"
      "<p class=\"small\">The innermost loop with the most vector instructions in the entry point or the functions it "
      "calls, from this build's kernel library ({}); counts are per iteration of that loop. Loads and stores count "
      "memory operands; mask counts k-register instructions and instructions masked by one; scalar counts those with "
      "no vector register and scalar floating-point forms.</p>\n"
      "<table>\n{}</tr>\n{}</table>\n{}{}</details>\n",
      html::escape(r.disasm_tool.empty() ? "objdump" : r.disasm_tool), head, rows, listings,
      prediction_table(r, mine, name));
}

std::string code_differences(const std::vector<const results::ResultsDir*>& dirs) {
  if (dirs.size() < 2 || dirs[0]->hot_loops.empty()) return "";
  using Key = std::tuple<std::string, std::string, std::string>;  // family, benchmark, implementation
  const auto index = [](const results::ResultsDir& r) {
    std::map<Key, const results::HotLoop*> out;
    for (const results::HotLoop& h : r.hot_loops)
      if (h.has_loop) out.emplace(Key{h.family, h.benchmark, h.implementation}, &h);
    return out;
  };
  const auto base = index(*dirs[0]);
  std::string body;
  bool any = false;
  for (std::size_t d = 1; d < dirs.size(); ++d) {
    std::string rows, listings;
    std::size_t differ = 0, same = 0;
    for (const auto& [key, b] : index(*dirs[d])) {
      const auto it = base.find(key);
      if (it == base.end()) continue;
      const results::HotLoop& a = *it->second;
      if (a.mix == b->mix && a.width == b->width) {
        ++same;
        continue;
      }
      ++differ;
      const auto& [family, benchmark, impl] = key;
      rows += fmt::format("<tr><th>{}/{}</th><th>{}</th><td>{} / {}</td>", html::escape(family), html::escape(benchmark),
                          html::escape(impl), html::escape(a.width), html::escape(b->width));
      for (const auto& [col, title] : kColumns) {
        const auto va = a.mix.find(col), vb = b->mix.find(col);
        const std::string ta = va == a.mix.end() ? "?" : std::to_string(va->second);
        const std::string tb = vb == b->mix.end() ? "?" : std::to_string(vb->second);
        rows += fmt::format("<td class=\"num{}\">{}</td>", ta == tb ? "" : " regression", ta == tb ? ta : ta + " / " + tb);
      }
      rows += "</tr>\n";
      const auto listing = [](const results::HotLoop& h) {
        std::string code;
        for (const std::string& line : h.instructions) code += html::escape(line) + "\n";
        return code;
      };
      listings += fmt::format(
          "<details><summary>{}/{} {}</summary><div class=\"charts\"><pre class=\"asm\">A: {}\n{}</pre>"
          "<pre class=\"asm\">{}: {}\n{}</pre></div></details>\n",
          html::escape(family), html::escape(benchmark), html::escape(impl), html::escape(short_function(a.function)),
          listing(a), d, html::escape(short_function(b->function)), listing(*b));
    }
    if (differ == 0 && same == 0) continue;
    any = any || differ > 0;
    std::string head = "<tr><th>kernel</th><th>implementation</th><th>width</th>";
    for (const auto& [col, title] : kColumns) head += fmt::format("<th>{}</th>", title);
    body += fmt::format("<h3>Directory {} against A</h3>\n<p>{} hot loops differ, {} are the same.</p>\n", d, differ, same);
    if (differ > 0) body += fmt::format("<table>\n{}</tr>\n{}</table>\n{}", head, rows, listings);
  }
  if (!any) return "";
  return "<h2 id=\"code\">The code, where it differs</h2>\n<p>Each entry point's hot loop (<code>maskbench disasm</code>) "
         "in A and in the other directory: counts per iteration, \"A / other\" where they differ, and both loops "
         "below. A different mix with a different rate is where to look first.</p>\n" +
         body;
}

}  // namespace maskbench::report
