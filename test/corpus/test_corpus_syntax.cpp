// Every model of the NESTML corpus (../shared/corpus, see spec/CORPUS.md) that upstream's
// parser accepts must parse here with zero syntax errors. tests/invalid is not included:
// its files are rejected by context conditions, three of them already by the parser.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

#include "support/diagnostic.h"
#include "syntax/parser.h"
#include "test_support.h"

using namespace nestjit;

namespace {

// Files in the directories below that are intentionally not valid NESTML syntax, with the
// reason. Empty: every file there parses.
const std::map<std::string, std::string> kExpectedSyntaxErrors = {};

std::vector<std::string> nestml_files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".nestml") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("corpus: every valid corpus model parses without syntax errors") {
  NESTJIT_REQUIRE_SHARED(corpus, "corpus");
  const char* dirs[] = {"models", "tests/valid", "tests/resources", "tests/nest_tests/resources"};
  std::vector<std::string> files;
  for (const char* d : dirs) {
    auto found = nestml_files(corpus + "/" + d);
    files.insert(files.end(), found.begin(), found.end());
  }
  CHECK(files.size() >= 150);

  std::vector<SourceFilePtr> sources;
  size_t bytes = 0;
  for (const auto& f : files) {
    sources.push_back(make_source(f, test::read_text(f)));
    bytes += sources.back()->text.size();
  }

  size_t models = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& src : sources) {
    DiagnosticList diags;
    auto unit = syntax::parse(src, diags);
    const std::string name = std::filesystem::path(src->path).filename().string();
    if (kExpectedSyntaxErrors.count(name)) {
      CHECK_MESSAGE(!unit, name << " was expected to fail: " << kExpectedSyntaxErrors.at(name));
      continue;
    }
    CHECK_MESSAGE(unit.has_value(), render(diags));
    CHECK_MESSAGE(diags.empty(), render(diags));
    if (unit) models += unit->models.size();
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("parsed " << files.size() << " corpus files (" << models << " models, " << bytes / 1024
                    << " KiB) in " << ms << " ms");
}

TEST_CASE("corpus: tests/invalid parse except the three parse-level rejections") {
  NESTJIT_REQUIRE_SHARED(invalid, "corpus/tests/invalid");
  // spec/CORPUS.md section 3: upstream's parser itself rejects exactly these.
  const std::map<std::string, std::string> rejected = {
      {"CoCoInlineExpressionHasNoRhs.nestml", "33:25: unexpected end of line; expected '='"},
      {"CoCoInlineExpressionWithSeveralLhs.nestml", "33:22: unexpected ','"},
      {"CoCoOutputPortTypeContinuous.nestml", "31:19: unexpected '('; expected end of line"},
  };
  for (const auto& path : nestml_files(invalid)) {
    const std::string name = std::filesystem::path(path).filename().string();
    DiagnosticList diags;
    auto unit = syntax::parse(make_source(path, test::read_text(path)), diags);
    auto it = rejected.find(name);
    if (it == rejected.end()) {
      CHECK_MESSAGE(unit.has_value(), render(diags));
      continue;
    }
    INFO(name);
    CHECK_FALSE(unit.has_value());
    REQUIRE(diags.error_count() >= 1);
    const Diagnostic& d = diags.items()[0];
    const std::string where = std::to_string(d.span.line) + ":" + std::to_string(d.span.column) + ": ";
    CHECK((where + d.message).rfind(it->second, 0) == 0);
  }
}
