#pragma once
// A fixed pool of threads running posted tasks in arrival order, with a bound
// on the tasks waiting.
//
// Why: request handlers may block (a statement write waits for the writer's
// group commit), and the HTTP server's I/O threads must never block, or one
// slow request would stall every connection. So the server reads a request
// completely on its I/O threads and hands only complete requests here.
// The bound keeps a flood of requests from growing memory without limit:
// past it TryPost refuses, and the server answers 503.
//
// Thread safety: TryPost may be called from any thread, also after (or
// during) Shutdown, when it refuses. Shutdown runs every task already
// accepted, then joins; the destructor calls it.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace lrs::plugin {

class WorkerPool {
 public:
  WorkerPool(size_t threads, size_t max_queued);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False (and `task` dropped) when max_queued tasks already wait, or after
  // Shutdown began.
  bool TryPost(std::function<void()> task);
  void Shutdown();

 private:
  void Run();
  const size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace lrs::plugin
