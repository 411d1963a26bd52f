#pragma once
// What every fuzz target shares. The parsers read files, so each input is written to a file of
// this process's own and parsed from there. An error the parser is documented to give (a
// DataError, an InvalidArgument, a CheckpointError or a failed Outcome) is a correct answer; any
// other exception escaping it is a finding, and the target aborts so that the fuzzer keeps it.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <typeinfo>

namespace nplab::fuzz {

/// A path under the temporary folder unique to this process and `name` (its extension matters to
/// some readers: ".pt", ".gz").
inline std::filesystem::path scratch_path(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("nplab-fuzz-" + std::to_string(::getpid()) + "-" + name);
}

/// Writes `size` bytes to `path`, replacing what was there.
inline void write_bytes(const std::filesystem::path& path, const std::uint8_t* data,
                        std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
}

/// Called from a catch (...) for exceptions the parser must not let out: prints what escaped and
/// aborts, which the fuzzer reports as a crash with the input that caused it.
[[noreturn]] inline void escaped(const char* target) {
  try {
    throw;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "fuzz %s: an undocumented %s escaped: %s\n", target, typeid(error).name(),
                 error.what());
  } catch (...) {
    std::fprintf(stderr, "fuzz %s: a non-std exception escaped\n", target);
  }
  std::abort();
}

}  // namespace nplab::fuzz
