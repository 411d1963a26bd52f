#include "bo_worker.h"

#include <algorithm>

namespace nplab::ui {
namespace {

/// Steps taken in one go between checks for a newer request.
constexpr std::size_t kStepsBetweenChecks = 4;

}  // namespace

BoWorker::BoWorker(JobThread& jobs) : jobs_(jobs) {
  qRegisterMetaType<BoResult>();
}

BoWorker::~BoWorker() {
  jobs_.stop();
}

void BoWorker::post(BoRequest request) {
  const auto generation = request.generation;
  jobs_.post("bo", generation, [this, request = std::move(request)](std::stop_token stop) {
    if (auto result = serve(request, stop)) emit finished(*result);
  });
}

std::string BoWorker::open(Search& search, const facade::BoSettings& settings) {
  if (search.explorer && search.explorer->settings() == settings) return {};
  search.explorer.reset();
  search.applied.clear();
  auto opened = facade::BoExplorer::open(settings);
  if (!opened.ok()) return opened.error();
  search.explorer = std::move(const_cast<std::unique_ptr<facade::BoExplorer>&>(opened.value()));
  return {};
}

std::optional<facade::Outcome<facade::BoFrame>> BoWorker::bring_to(Search& search,
                                                                   const std::vector<BoOp>& ops,
                                                                   std::stop_token stop) {
  auto& explorer = *search.explorer;
  const bool prefix = search.applied.size() <= ops.size() &&
                      std::equal(search.applied.begin(), search.applied.end(), ops.begin());
  std::optional<facade::Outcome<facade::BoFrame>> last;
  if (!prefix) {
    search.applied.clear();
    last = explorer.reset();
    if (!last->ok()) return last;
  }
  while (search.applied.size() < ops.size()) {
    if (stop.stop_requested()) return std::nullopt;
    const auto& op = ops[search.applied.size()];
    if (op.x) {
      last = explorer.query_at(*op.x);
      if (!last->ok()) return last;
      search.applied.push_back(op);
      continue;
    }
    // Consecutive proposed steps in a few goes: one frame each, not one per step.
    std::size_t steps = 0;
    while (search.applied.size() + steps < ops.size() && steps < kStepsBetweenChecks &&
           !ops[search.applied.size() + steps].x) {
      ++steps;
    }
    last = explorer.run_to(static_cast<int>(search.applied.size() + steps));
    if (!last->ok()) {
      search.applied.clear();  // where the loop stopped is unknown: replay next time
      explorer.reset();
      return last;
    }
    search.applied.insert(search.applied.end(), ops.begin() + search.applied.size(),
                          ops.begin() + search.applied.size() + steps);
  }
  if (!last) last = explorer.frame();
  return last;
}

BoBaseline BoWorker::baseline(Search& search, facade::BoSettings settings, std::size_t steps) {
  BoBaseline out;
  out.error = open(search, settings);
  if (!out.error.empty()) return out;
  const auto frame = bring_to(search, std::vector<BoOp>(steps), {});
  if (!frame->ok()) {
    out.error = frame->error();
  } else {
    out.simple_regret = frame->value().simple_regret;
  }
  return out;
}

std::optional<BoResult> BoWorker::serve(const BoRequest& request, std::stop_token stop) {
  BoResult result;
  result.generation = request.generation;
  result.settings = request.settings;
  result.ops = request.ops;
  result.error = open(main_, request.settings);
  if (!result.ok()) return result;
  const auto frame = bring_to(main_, request.ops, stop);
  if (!frame) return std::nullopt;
  if (!frame->ok()) {
    result.error = frame->error();
    return result;
  }
  result.frame = frame->value();
  if (request.compare) {
    if (stop.stop_requested()) return std::nullopt;
    auto settings = request.settings;
    settings.surrogate = "oracle";
    result.oracle = baseline(oracle_, settings, request.ops.size());
    settings.surrogate = "random";
    result.random = baseline(random_, settings, request.ops.size());
  }
  return result;
}

}  // namespace nplab::ui
