// A main() for the fuzz targets where libFuzzer is not at hand (GCC has none): it runs every
// file of the corpus folders given, then, for -max_total_time=SECONDS (or -runs=N), inputs made
// by mutating them (bit flips, byte changes, insertions, deletions, copies of a slice, splices of
// two inputs, truncations). It is not coverage-guided: with clang, the same targets are built
// against libFuzzer instead (NPLAB_FUZZ_ENGINE=libfuzzer). A target that finds a fault aborts;
// a target that runs past -timeout=SECONDS ends the process; the input is then in
// ./crash-standalone (written before each run).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

unsigned input_timeout_seconds = 0;  // -timeout=N: an input running longer ends the process

void run_one(const Bytes& input, bool keep_for_crash) {
  if (keep_for_crash) {  // so that an abort leaves the input behind
    std::ofstream out("crash-standalone", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(input.data()),
              static_cast<std::streamsize>(input.size()));
  }
  ::alarm(input_timeout_seconds);  // SIGALRM's default action ends the process: a hang is a finding
  LLVMFuzzerTestOneInput(input.data(), input.size());
  ::alarm(0);
}

Bytes mutate(const std::vector<Bytes>& pool, std::mt19937_64& random, std::size_t max_len) {
  auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random);
  };
  Bytes out = pool[pick(pool.size())];
  const std::size_t edits = 1 + pick(8);
  for (std::size_t e = 0; e < edits; ++e) {
    const auto at = out.empty() ? 0 : pick(out.size());
    switch (pick(8)) {
      case 0:
        if (!out.empty()) out[at] ^= static_cast<std::uint8_t>(1u << pick(8));
        break;
      case 1:
        if (!out.empty()) out[at] = static_cast<std::uint8_t>(pick(256));
        break;
      case 2: {  // an interesting byte: the edges of signed and unsigned ranges, digits, separators
        static constexpr std::uint8_t kInteresting[] = {
            0, 1, 0x7f, 0x80, 0xff, '0', '9', '-', '.', 'e', ',', '\n', '"', '{', '}', '[', ']'};
        if (!out.empty()) out[at] = kInteresting[pick(std::size(kInteresting))];
        break;
      }
      case 3:
        if (out.size() < max_len)
          out.insert(out.begin() + static_cast<std::ptrdiff_t>(at),
                     static_cast<std::uint8_t>(pick(256)));
        break;
      case 4:
        if (!out.empty()) {
          const auto len = std::min(out.size() - at, 1 + pick(16));
          out.erase(out.begin() + static_cast<std::ptrdiff_t>(at),
                    out.begin() + static_cast<std::ptrdiff_t>(at + len));
        }
        break;
      case 5:
        if (!out.empty() && out.size() < max_len) {  // copy a slice elsewhere
          const auto from = pick(out.size());
          const auto len = std::min({out.size() - from, 1 + pick(32), max_len - out.size()});
          const Bytes slice(out.begin() + static_cast<std::ptrdiff_t>(from),
                            out.begin() + static_cast<std::ptrdiff_t>(from + len));
          out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), slice.begin(), slice.end());
        }
        break;
      case 6: {  // splice: this input's head, another's tail
        const Bytes& other = pool[pick(pool.size())];
        if (!other.empty()) {
          const auto from = pick(other.size());
          out.resize(at);
          out.insert(out.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
          if (out.size() > max_len) out.resize(max_len);
        }
        break;
      }
      default:
        if (!out.empty()) out.resize(pick(out.size()));
        break;
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  double max_seconds = 0;
  long long max_runs = -1;
  std::size_t max_len = 1 << 20;
  std::uint64_t seed = 1;
  std::vector<std::filesystem::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&](std::string_view flag) { return std::string(arg.substr(flag.size())); };
    if (arg.starts_with("-max_total_time="))
      max_seconds = std::stod(value("-max_total_time="));
    else if (arg.starts_with("-runs="))
      max_runs = std::stoll(value("-runs="));
    else if (arg.starts_with("-max_len="))
      max_len = std::stoull(value("-max_len="));
    else if (arg.starts_with("-seed="))
      seed = std::stoull(value("-seed="));
    else if (arg.starts_with("-timeout="))
      input_timeout_seconds = std::stoul(value("-timeout="));
    else if (arg.starts_with("-rss_limit_mb="))
      continue;  // libFuzzer's; not enforced here
    else if (arg.starts_with("-"))
      std::fprintf(stderr, "standalone fuzz driver: ignoring %s\n", argv[i]);
    else
      inputs.emplace_back(arg);
  }
  std::vector<Bytes> pool;
  for (const auto& input : inputs) {
    if (std::filesystem::is_directory(input)) {
      for (const auto& entry : std::filesystem::directory_iterator(input))
        if (entry.is_regular_file()) pool.push_back(read_file(entry.path()));
    } else {
      pool.push_back(read_file(input));
    }
  }
  if (pool.empty()) pool.emplace_back();
  long long runs = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& input : pool) {
    run_one(input, true);
    ++runs;
  }
  std::mt19937_64 random(seed);
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const bool mutating = max_seconds > 0 || max_runs > 0;
  while (mutating && (max_runs < 0 || runs < max_runs) &&
         (max_seconds <= 0 || elapsed() < max_seconds)) {
    run_one(mutate(pool, random, max_len), true);
    ++runs;
  }
  std::filesystem::remove("crash-standalone");
  std::printf(
      "Done %lld runs in %.0f second(s) (%zu corpus inputs, standalone driver, seed %llu)\n", runs,
      elapsed(), pool.size(), static_cast<unsigned long long>(seed));
  return 0;
}
