#include "job_thread.h"

#include <QThread>
#include <QtGlobal>
#include <algorithm>
#include <exception>
#include <utility>

namespace nplab::ui {

JobThread::JobThread() : thread_([this] { run(); }) {}

JobThread::~JobThread() {
  stop();
}

bool JobThread::post(std::string_view lane, std::uint64_t generation, Job job) {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_) return false;
    const auto waiting = waiting_.find(lane);
    if (waiting != waiting_.end()) {
      ++dropped_;                                                 // one of the two goes
      if (waiting->second.generation > generation) return false;  // the newcomer is stale
      // The replaced job keeps its place in the order: the lane has been waiting that long.
      waiting->second.generation = generation;
      waiting->second.job = std::move(job);
    } else {
      waiting_.emplace(std::string(lane), Waiting{generation, posts_++, std::move(job)});
    }
    if (running_lane_ == lane) running_stop_.request_stop();  // its answer is no longer wanted
  }
  wake_.notify_one();
  return true;
}

void JobThread::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
    dropped_ += waiting_.size();
    waiting_.clear();
    running_stop_.request_stop();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();  // only ever called by the owner's thread
}

std::uint64_t JobThread::dropped() const {
  const std::lock_guard lock(mutex_);
  return dropped_;
}

void JobThread::hold() {
  const std::lock_guard lock(mutex_);
  held_ = true;
}

void JobThread::release() {
  {
    const std::lock_guard lock(mutex_);
    held_ = false;
  }
  wake_.notify_all();
}

int JobThread::compute_threads() {
  return std::max(1, QThread::idealThreadCount() - 1);
}

void JobThread::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    // Stopping outranks holding: a held thread must still let its owner go.
    wake_.wait(lock, [this] { return stopping_ || (!held_ && !waiting_.empty()); });
    if (stopping_) return;
    const auto next = std::min_element(waiting_.begin(), waiting_.end(), [](auto& a, auto& b) {
      return a.second.posted < b.second.posted;
    });
    Job job = std::move(next->second.job);
    running_lane_ = next->first;
    waiting_.erase(next);
    running_stop_ = std::stop_source();
    const std::stop_token stop = running_stop_.get_token();
    lock.unlock();
    try {
      job(stop);
    } catch (const std::exception& error) {
      // Jobs report their own failures in their results; this only keeps the thread alive.
      qWarning("a background job failed: %s", error.what());
    }
    lock.lock();
    running_lane_.clear();
  }
}

}  // namespace nplab::ui
