// The app's background thread: latest wins per lane, lanes in arrival order, a superseded job is
// asked to stop, and stopping never hangs or runs what was waiting.

#include <QtTest>
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "job_thread.h"

using nplab::ui::JobThread;
using namespace std::chrono_literals;

namespace {

/// What jobs ran, in order, recorded from the job thread.
class Log {
 public:
  JobThread::Job record(std::string what) {
    return [this, what = std::move(what)](std::stop_token) {
      const std::lock_guard lock(mutex_);
      entries_.push_back(what);
    };
  }
  std::vector<std::string> entries() const {
    const std::lock_guard lock(mutex_);
    return entries_;
  }
  std::size_t size() const { return entries().size(); }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> entries_;
};

bool wait_until(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

}  // namespace

class JobThreadTest : public QObject {
  Q_OBJECT

 private slots:
  void only_the_newest_job_of_a_lane_runs() {
    JobThread jobs;
    Log log;
    jobs.hold();
    for (int generation = 1; generation <= 100; ++generation) {
      QVERIFY(jobs.post("functions", generation, log.record(std::to_string(generation))));
    }
    jobs.release();
    QVERIFY(wait_until([&] { return log.size() == 1; }));
    jobs.stop();
    QCOMPARE(log.entries(), std::vector<std::string>{"100"});
    QCOMPARE(jobs.dropped(), std::uint64_t{99});
  }

  void a_newcomer_older_than_the_waiting_job_is_the_one_dropped() {
    JobThread jobs;
    Log log;
    jobs.hold();
    QVERIFY(jobs.post("images", 5, log.record("5")));
    QVERIFY(!jobs.post("images", 3, log.record("3")));
    jobs.release();
    QVERIFY(wait_until([&] { return log.size() == 1; }));
    jobs.stop();
    QCOMPARE(log.entries(), std::vector<std::string>{"5"});
  }

  void lanes_run_in_the_order_they_were_first_posted() {
    JobThread jobs;
    Log log;
    jobs.hold();
    QVERIFY(jobs.post("b", 1, log.record("b1")));
    QVERIFY(jobs.post("a", 1, log.record("a1")));
    QVERIFY(jobs.post("b", 2, log.record("b2")));  // replaces b1 in b's place, before a
    jobs.release();
    QVERIFY(wait_until([&] { return log.size() == 2; }));
    jobs.stop();
    QCOMPARE(log.entries(), (std::vector<std::string>{"b2", "a1"}));
  }

  void a_running_job_is_asked_to_stop_when_a_newer_one_arrives_in_its_lane_only() {
    JobThread jobs;
    std::atomic<bool> started = false, saw_stop = false;
    const auto long_job = [&](std::stop_token stop) {
      started = true;
      saw_stop = wait_until([&] { return stop.stop_requested(); });
    };
    QVERIFY(jobs.post("functions", 1, long_job));
    QVERIFY(wait_until([&] { return started.load(); }));
    Log log;
    QVERIFY(jobs.post("images", 1, log.record("images")));
    std::this_thread::sleep_for(50ms);
    QVERIFY(!saw_stop);  // another lane's job does not cancel it
    QVERIFY(jobs.post("functions", 2, log.record("functions")));
    QVERIFY(wait_until([&] { return log.size() == 2; }));
    QVERIFY(saw_stop);
    jobs.stop();
    QCOMPARE(log.entries(), (std::vector<std::string>{"images", "functions"}));
  }

  void stop_finishes_the_running_job_and_drops_the_waiting_ones_and_later_posts() {
    JobThread jobs;
    std::atomic<bool> started = false, finished = false;
    QVERIFY(jobs.post("functions", 1, [&](std::stop_token stop) {
      started = true;
      wait_until([&] { return stop.stop_requested(); });
      finished = true;
    }));
    QVERIFY(wait_until([&] { return started.load(); }));
    Log log;
    QVERIFY(jobs.post("images", 1, log.record("waiting")));
    jobs.stop();
    QVERIFY(finished);
    QCOMPARE(log.size(), std::size_t{0});
    QVERIFY(!jobs.post("images", 2, log.record("after stop")));
    jobs.stop();  // idempotent
    QCOMPARE(log.size(), std::size_t{0});
  }

  void a_held_thread_still_lets_its_owner_go() {
    Log log;
    {
      JobThread jobs;
      jobs.hold();
      QVERIFY(jobs.post("functions", 1, log.record("never")));
    }  // the destructor returns: stopping outranks holding
    QCOMPARE(log.size(), std::size_t{0});
  }

  void a_job_that_throws_does_not_end_the_thread() {
    JobThread jobs;
    Log log;
    QTest::ignoreMessage(QtWarningMsg, "a background job failed: out of luck");
    QVERIFY(
        jobs.post("images", 1, [](std::stop_token) { throw std::runtime_error("out of luck"); }));
    QVERIFY(jobs.post("functions", 1, log.record("next")));  // another lane: runs after it
    QVERIFY(wait_until([&] { return log.size() == 1; }));
  }
};

QTEST_GUILESS_MAIN(JobThreadTest)
#include "test_job_thread.moc"
