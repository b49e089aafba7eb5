// Prints how long parse + check of every corpus file takes (issue 3: target < 1 s for all
// of them together on the development machine). A program, not a test: timings are not
// asserted anywhere.
//
//   bench_frontend [--corpus DIR] [--repeat N]
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fmt/format.h>

#include "sema/model.h"
#include "support/diagnostic.h"
#include "syntax/parser.h"

using namespace nestjit;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  CLI::App app{"parse + check time of the NESTML corpus"};
  std::string corpus = NESTJIT_SHARED_DIR "/corpus";
  int repeat = 5;
  app.add_option("--corpus", corpus, "corpus directory (../shared/corpus)")->capture_default_str();
  app.add_option("--repeat", repeat, "runs; the best one is reported")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (!std::filesystem::is_directory(corpus)) {
    fmt::print(stderr, "bench_frontend: no corpus at {}\n", corpus);
    return 2;
  }
  std::vector<SourceFilePtr> files;
  size_t bytes = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(corpus)) {
    if (!e.is_regular_file() || e.path().extension() != ".nestml") continue;
    std::string err;
    if (auto f = read_source_file(e.path().string(), err)) {
      bytes += f->text.size();
      files.push_back(std::move(f));
    }
  }
  std::sort(files.begin(), files.end(), [](auto& a, auto& b) { return a->path < b->path; });
  double best = 1e300, best_parse = 0;
  size_t models = 0, errors = 0;
  for (int r = 0; r < std::max(repeat, 1); ++r) {
    double parse_s = 0;
    models = errors = 0;
    auto start = Clock::now();
    for (const auto& f : files) {
      DiagnosticList diags;
      auto t0 = Clock::now();
      auto unit = syntax::parse(f, diags);
      parse_s += std::chrono::duration<double>(Clock::now() - t0).count();
      if (unit) {
        auto checked = sema::check(*unit, {}, diags);
        models += checked.size();
      }
      errors += diags.has_errors();
    }
    double total = std::chrono::duration<double>(Clock::now() - start).count();
    if (total < best) {
      best = total;
      best_parse = parse_s;
    }
  }
  fmt::print("corpus: {} files, {} models, {} KiB ({} files with errors: the negative fixtures)\n",
             files.size(), models, bytes / 1024, errors);
  fmt::print("parse + check, best of {}: {:.1f} ms (parse {:.1f} ms, check {:.1f} ms), "
             "{:.0f} us per file\n",
             repeat, best * 1e3, best_parse * 1e3, (best - best_parse) * 1e3,
             best * 1e6 / std::max<size_t>(files.size(), 1));
  return 0;
}
