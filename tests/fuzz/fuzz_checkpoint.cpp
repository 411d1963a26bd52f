// Fuzz target: a checkpoint archive and its card (train::load_checkpoint). An input is the card's
// JSON, the separator line below, then the archive's bytes; an input without the separator is an
// archive without a card.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "nplab/train/checkpoint.h"
#include "nplab/util/checks.h"

namespace {
constexpr std::string_view kSeparator = "\n--nplab-fuzz-archive--\n";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto archive = nplab::fuzz::scratch_path("checkpoint.pt");
  static const auto card = std::filesystem::path(nplab::train::card_path_for(archive.string()));
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find(kSeparator);
  std::filesystem::remove(card);
  if (split == std::string_view::npos) {
    nplab::fuzz::write_bytes(archive, data, size);
  } else {
    nplab::fuzz::write_bytes(card, data, split);
    const auto archive_start = split + kSeparator.size();
    nplab::fuzz::write_bytes(archive, data + archive_start, size - archive_start);
  }
  try {
    (void)nplab::train::load_checkpoint(archive.string());
  } catch (const nplab::train::CheckpointError&) {
  } catch (const nplab::util::InvalidArgument&) {
  } catch (...) {
    nplab::fuzz::escaped("checkpoint");
  }
  return 0;
}
