#pragma once
// SHA-256 (FIPS 180-4), for the integrity digest of checkpoint weights: a flipped byte anywhere
// in the weights changes it. Not used for anything secret.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace nplab::util {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  /// The digest as 64 lowercase hex digits; the object is spent afterwards.
  std::string hex_digest();

 private:
  void compress(const std::uint8_t* block);
  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

}  // namespace nplab::util
