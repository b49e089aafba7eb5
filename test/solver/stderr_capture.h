// Captures what is written to file descriptor 2 (stderr) while an object lives: SUNDIALS
// and other C libraries write there directly, so std::cerr redirection would not see it.
#pragma once
#include <cstdio>
#include <string>
#include <unistd.h>

namespace nestjit::test {

class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    file_ = std::tmpfile();
    saved_ = dup(2);
    if (file_ && saved_ >= 0) dup2(fileno(file_), 2);
  }
  ~StderrCapture() { stop(); }
  // Restores stderr and returns everything written to it meanwhile.
  std::string stop() {
    if (saved_ >= 0) {
      std::fflush(stderr);
      dup2(saved_, 2);
      close(saved_);
      saved_ = -1;
      std::rewind(file_);
      char buf[4096];
      size_t got;
      while ((got = std::fread(buf, 1, sizeof buf, file_)) > 0) text_.append(buf, got);
      std::fclose(file_);
      file_ = nullptr;
    }
    return text_;
  }

 private:
  std::FILE* file_ = nullptr;
  int saved_ = -1;
  std::string text_;
};

}  // namespace nestjit::test
