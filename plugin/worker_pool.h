#pragma once
// A fixed pool of threads running posted tasks in arrival order.
//
// Why: cpprestsdk calls request handlers on its I/O threads. A handler that
// blocks there (reading a body, waiting for a group commit) starves the very
// threads that read bodies, so handlers only post work here and return.
//
// Thread safety: Post may be called from any thread. The destructor runs
// every task already posted, then joins.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace lrs::plugin {

class WorkerPool {
 public:
  explicit WorkerPool(size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Post(std::function<void()> task);

 private:
  void Run();
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace lrs::plugin
