// RenderDiagnostic: the file:line:col head, the quoted source line and the carets; long lines are shown as a
// window around the caret (one message stays one screen line, whatever the input).
#include <gtest/gtest.h>

#include <string>

#include "sqlflow/common/diagnostic.h"

namespace sqlflow {
namespace {

Diagnostic At(int line, int column, int length) {
  Diagnostic d;
  d.code = "SF212";
  d.message = "invalid condition";
  d.pos.file = "pipelines/p.sf";
  d.pos.line = line;
  d.pos.column = column;
  d.pos.length = length;
  return d;
}

TEST(DiagnosticRender, ShortLineIsQuotedWholeWithTheCaretsUnderTheRange) {
  SourceCache sources;
  sources.Put("pipelines/p.sf", "SELECT 1;\nCREATE TABLE t AS SELECT * FROM salse;\n");
  EXPECT_EQ(RenderDiagnostic(At(2, 33, 5), sources, false),
            "pipelines/p.sf:2:33: error: invalid condition [SF212]\n"
            "  2 | CREATE TABLE t AS SELECT * FROM salse;\n"
            "    |                                 ^^^^^\n");
}

TEST(DiagnosticRender, LongLineIsAWindowAroundTheCaret) {
  SourceCache sources;
  const std::string line = "IF " + std::string(20000, '(') + " THEN";
  sources.Put("pipelines/p.sf", line + "\n");
  const std::string out = RenderDiagnostic(At(1, 260, 1), sources, false);
  const size_t first = out.find('\n'), second = out.find('\n', first + 1), third = out.find('\n', second + 1);
  const std::string quoted = out.substr(first + 1, second - first - 1);
  const std::string carets = out.substr(second + 1, third - second - 1);
  // "  1 | " + "…" + 160 characters + "…"
  EXPECT_EQ(quoted, "  1 | …" + std::string(160, '(') + "…");
  // The caret stands under column 260: 60 characters after the window start (199), plus the leading "…".
  EXPECT_EQ(carets, "    | " + std::string(61, ' ') + "^");
}

TEST(DiagnosticRender, ALongRangeIsCutAtTheWindow) {
  SourceCache sources;
  sources.Put("pipelines/p.sf", std::string(1000, 'x') + "\n");
  const std::string out = RenderDiagnostic(At(1, 1, 1000), sources, false);
  EXPECT_NE(out.find("  1 | " + std::string(160, 'x') + "…\n"), std::string::npos) << out;
  EXPECT_NE(out.find("    | " + std::string(160, '^') + "\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace sqlflow
