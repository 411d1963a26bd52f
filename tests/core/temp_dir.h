#pragma once
// A fresh directory under the system temp dir, removed with everything in it when it goes out of
// scope.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace nplab::testing {

class TempDir {
 public:
  TempDir() {
    std::random_device entropy;
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string stem = test ? std::string(test->name()) : "nplab";
    for (auto& c : stem) {
      if (c == '/') c = '_';  // parameterised test names contain '/'
    }
    path_ = std::filesystem::temp_directory_path() /
            ("nplab-" + stem + "-" + std::to_string(entropy()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  /// The path of a file in the directory, as a string (not created).
  std::string file(const std::string& name) const { return (path_ / name).string(); }

  /// Writes `text` to a file in the directory and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto file = path_ / name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace nplab::testing
