#pragma once
// Internal to the explorer facade: turns exceptions into failed Outcomes, so that nothing the GUI
// calls throws through it.

#include <c10/util/Exception.h>

#include <exception>
#include <string>

#include "nplab/facade/explorer.h"

namespace nplab::facade::detail {

/// Runs `work`, turning any exception into a failed Outcome that says what was being done.
template <class T, class Work>
Outcome<T> guarded(const std::string& what, Work&& work) {
  try {
    return Outcome<T>::success(work());
  } catch (const c10::Error& error) {
    return Outcome<T>::failure(what + ": " + error.what_without_backtrace());
  } catch (const std::exception& error) {
    return Outcome<T>::failure(what + ": " + error.what());
  } catch (...) {
    return Outcome<T>::failure(what + ": unknown error");
  }
}

}  // namespace nplab::facade::detail
