// Structure-aware mutations of NESTML text for fuzz_pipeline: each keeps the text a model
// that is likely to parse and check, so that the stages behind the checker see it. One
// mutation is one of: a number literal replaced by an extreme or ordinary value, a unit
// replaced by another, an operator replaced by another, a line moved or repeated elsewhere
// (block order, statement order), a line dropped.
#pragma once
#include <cctype>
#include <random>
#include <string>
#include <vector>

namespace nestjit::fuzz {

class ModelMutator {
 public:
  explicit ModelMutator(unsigned seed) : rng_(seed) {}

  unsigned roll(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }

  std::string mutate(const std::string& text) {
    switch (roll(5)) {
      case 0: return replace_token(text, numbers(text), kNumbers);
      case 1: return replace_token(text, words(text, kUnits), kUnits);
      case 2: return replace_token(text, words(text, kOperators), kOperators);
      case 3: return move_line(text, /*keep_original=*/roll(2) == 0);
      default: return drop_line(text);
    }
  }

 private:
  struct Span {
    size_t pos, len;
  };

  static inline const std::vector<std::string> kNumbers = {
      "0", "-1", "1e-308", "1e308", "1e6", "3", "0.5", "1e-12", "-1e308", "2", "100"};
  static inline const std::vector<std::string> kUnits = {
      "mV", "ms", "pA", "nS", "pF", "GOhm", "mmol", "s", "Hz", "1/ms", "real", "integer"};
  static inline const std::vector<std::string> kOperators = {
      " + ", " - ", " * ", " / ", " ** ", " < ", " > ", " == ", " >= ", " and ", " or "};

  // Decimal literals (digits, optional fraction and exponent).
  static std::vector<Span> numbers(const std::string& s) {
    std::vector<Span> out;
    for (size_t i = 0; i < s.size();) {
      const bool starts = std::isdigit(static_cast<unsigned char>(s[i])) &&
                          (i == 0 || !(std::isalnum(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '_'));
      if (!starts) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
      if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
        size_t k = j + 1;
        if (k < s.size() && (s[k] == '-' || s[k] == '+')) ++k;
        if (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) {
          j = k;
          while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
        }
      }
      out.push_back({i, j - i});
      i = j;
    }
    return out;
  }

  // Occurrences of any of `vocabulary` as whole words (operators carry their spaces).
  static std::vector<Span> words(const std::string& s, const std::vector<std::string>& vocabulary) {
    std::vector<Span> out;
    for (const std::string& w : vocabulary)
      for (size_t p = s.find(w); p != std::string::npos; p = s.find(w, p + 1)) {
        const bool alpha = std::isalpha(static_cast<unsigned char>(w.front()));
        const auto word_char = [&](size_t i) {
          return i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_');
        };
        if (alpha && ((p > 0 && word_char(p - 1)) || word_char(p + w.size()))) continue;
        out.push_back({p, w.size()});
      }
    return out;
  }

  std::string replace_token(const std::string& s, const std::vector<Span>& spans,
                            const std::vector<std::string>& choices) {
    if (spans.empty()) return drop_line(s);
    const Span sp = spans[roll(unsigned(spans.size()))];
    return s.substr(0, sp.pos) + choices[roll(unsigned(choices.size()))] + s.substr(sp.pos + sp.len);
  }

  static std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t p = s.find('\n'); p != std::string::npos; p = s.find('\n', start)) {
      out.push_back(s.substr(start, p - start + 1));
      start = p + 1;
    }
    if (start < s.size()) out.push_back(s.substr(start) + "\n");
    return out;
  }

  static std::string join(const std::vector<std::string>& ls) {
    std::string out;
    for (const auto& l : ls) out += l;
    return out;
  }

  std::string move_line(const std::string& s, bool keep_original) {
    std::vector<std::string> ls = lines(s);
    if (ls.size() < 2) return s;
    const size_t from = roll(unsigned(ls.size())), to = roll(unsigned(ls.size()));
    const std::string line = ls[from];
    if (!keep_original) ls.erase(ls.begin() + long(from));
    ls.insert(ls.begin() + long(std::min(to, ls.size())), line);
    return join(ls);
  }

  std::string drop_line(const std::string& s) {
    std::vector<std::string> ls = lines(s);
    if (ls.size() < 2) return s;
    ls.erase(ls.begin() + long(roll(unsigned(ls.size()))));
    return join(ls);
  }

  std::mt19937 rng_;
};

}  // namespace nestjit::fuzz
