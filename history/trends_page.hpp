#pragma once
// `maskbench history report`: trends.html, in the report's self-contained
// style. First the change points of every series, largest first, and the
// largest changes at the newest commit; then per machine its commits and one
// chart per benchmark group, a line per implementation over the commits with
// the change points marked. Everything from the database is escaped here.
#include <string>

#include "trends.hpp"

namespace maskbench::history {

// `source`: the database's name, shown on the page.
std::string trends_html(const Trends& t, const std::string& source, const ChangePointOptions& options);

}  // namespace maskbench::history
