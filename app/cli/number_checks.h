#pragma once
// Checks for nplab-cli's numeric options, with messages in the user's terms. CLI11's own ranges
// print their bounds as 300-digit numbers and let NaN through (every comparison with NaN is
// false), and an unsigned option takes "-1" as 18446744073709551615.

#include <CLI/CLI.hpp>
#include <cmath>
#include <string>

namespace nplab::cli {

namespace detail {

struct NumberRule {
  bool zero_allowed = false;
  bool whole = false;
  double most = HUGE_VAL;
};

inline CLI::Validator number_check(const NumberRule rule, const std::string& type_name) {
  const std::string kind = std::string(rule.zero_allowed ? "a " : "a positive ") +
                           (rule.whole ? "integer" : "number") +
                           (rule.zero_allowed ? " of 0 or more" : "");
  return CLI::Validator(
      [rule, kind](std::string& text) -> std::string {
        double value = 0;
        const bool parsed = CLI::detail::lexical_cast(text, value);
        const bool fits = parsed && std::isfinite(value) &&
                          (rule.zero_allowed ? value >= 0 : value > 0) &&
                          (!rule.whole || value == std::floor(value));
        if (!fits) return "'" + text + "' must be " + kind;
        if (value > rule.most) {
          return "'" + text + "' is too large: at most " + CLI::detail::to_string(rule.most);
        }
        return {};
      },
      type_name);
}

}  // namespace detail

/// A finite number above zero: a duration, a rate, a memory cap; `most` bounds it above.
inline CLI::Validator positive_number(const double most = HUGE_VAL) {
  return detail::number_check({false, false, most}, "POSITIVE");
}

/// A finite number of zero or more (0 usually means "off").
inline CLI::Validator non_negative_number(const double most = HUGE_VAL) {
  return detail::number_check({true, false, most}, "NONNEGATIVE");
}

/// A whole number above zero: a size, a count, a number of steps.
inline CLI::Validator positive_integer() {
  return detail::number_check({false, true}, "POSITIVE");
}

/// A whole number of zero or more.
inline CLI::Validator non_negative_integer() {
  return detail::number_check({true, true}, "NONNEGATIVE");
}

/// A seed: a whole number of zero or more. A leading minus is refused here, before the conversion
/// to an unsigned type would wrap it around.
inline CLI::Validator seed_number() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (text.find('-') != std::string::npos) {
          return "'" + text + "' must be a seed: an integer of 0 or more";
        }
        return {};
      },
      "");
}

}  // namespace nplab::cli
