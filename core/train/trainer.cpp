#include "core/train/trainer.h"

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <variant>

#include "core/common/enum_names.h"
#include "core/common/latest.h"
#include "core/common/runtime.h"
#include "core/train/checkpoint.h"
#include "core/train/divergence.h"
#include "core/train/model_open.h"
#include "core/train/problem.h"
#include "core/train/snapshot.h"
#include "core/train/train_step.h"

namespace ss::train {

namespace {
constexpr EnumName<TrainerStatus> kStatusNames[] = {
    {TrainerStatus::Preparing, "preparing"}, {TrainerStatus::Idle, "idle"},
    {TrainerStatus::Running, "running"},     {TrainerStatus::Paused, "paused"},
    {TrainerStatus::Diverged, "diverged"},   {TrainerStatus::Failed, "failed"}};
}  // namespace

std::string toString(TrainerStatus s) { return nameOf(kStatusNames, s); }

namespace {

using Clock = std::chrono::steady_clock;

struct Start {};
struct Pause {};
struct StepOnce {};
struct Reset {};
struct SetConfig {
  TrainConfig config;
};
struct SetProblem {
  TrainProblemSpec spec;
};
struct Save {
  std::string path;
};
struct Load {
  std::string path, metaFile;
};
using Command = std::variant<Start, Pause, StepOnce, Reset, SetConfig, SetProblem, Save, Load>;

// Loss history with bounded memory over a whole run: every `stride`-th step is kept, and
// when full, every other entry is dropped and the stride doubles.
class LossHistory {
 public:
  void clear() { *this = LossHistory(); }
  void push(int64_t step, float loss, float smoothed) {
    if (step % m_stride != 0) return;
    m_steps.push_back(step);
    m_loss.push_back(loss);
    m_smoothed.push_back(smoothed);
    if (m_steps.size() > kCapacity) {
      compact(m_steps);
      compact(m_loss);
      compact(m_smoothed);
      m_stride *= 2;
    }
  }
  void copyTo(TrainerStats& s) const {
    s.historySteps = m_steps;
    s.historyLoss = m_loss;
    s.historySmoothed = m_smoothed;
  }

 private:
  static constexpr size_t kCapacity = 4096;
  template <class T>
  static void compact(std::vector<T>& v) {
    size_t j = 0;
    for (size_t i = 0; i < v.size(); i += 2) v[j++] = v[i];
    v.resize(j);
  }
  std::vector<int64_t> m_steps;
  std::vector<float> m_loss, m_smoothed;
  int64_t m_stride = 1;
};

}  // namespace

struct Trainer::Impl {
  // Shared with other threads (guarded by m_mutex).
  std::mutex m_mutex;
  std::condition_variable_any m_cv;
  std::vector<Command> m_queue;
  LatestBox<TrainerStats> m_stats;
  LatestBox<ModelSnapshot> m_snapshot;

  // Owned by the worker thread.
  TrainProblemSpec m_spec;
  std::unique_ptr<TrainStep> m_step;
  Problem m_problem;
  torch::Device m_device = torch::kCPU;
  bool m_running = false;
  bool m_imported = false;  // the published snapshot is an imported model
  TrainerStatus m_status = TrainerStatus::Preparing;
  std::string m_message;
  double m_loss = 0, m_smoothed = 0, m_gradNorm = 0, m_stepsPerSecond = 0;
  DivergenceWatch m_watch;  // non-finite or orders-of-magnitude growth of the loss
  LossHistory m_history;
  std::shared_ptr<nn::ScoreNet> m_goodNet, m_goodEma;
  int64_t m_goodStep = 0;
  Clock::time_point m_lastPublish{};
  Clock::time_point m_rateStart{};
  int64_t m_rateSteps = 0;

  std::atomic<bool> m_closing{false};  // set by ~Trainer: an image dataset load stops
  std::jthread m_thread;               // last: starts after everything above exists

  explicit Impl(TrainProblemSpec spec) : m_spec(std::move(spec)) {
    m_thread = std::jthread([this](std::stop_token st) { loop(st); });
  }

  void send(Command c) {
    {
      std::lock_guard lock(m_mutex);
      m_queue.push_back(std::move(c));
    }
    m_cv.notify_all();
  }

  bool hasCommands() {
    std::lock_guard lock(m_mutex);
    return !m_queue.empty();
  }

  void loop(std::stop_token stop) {
    lowerCurrentThreadPriority();  // the UI thread comes first
    guarded([&] { prepare(m_spec); });
    for (;;) {
      std::vector<Command> commands;
      {
        std::unique_lock lock(m_mutex);
        if (!m_cv.wait(lock, stop, [&] { return !m_queue.empty() || m_running; })) return;
        commands.swap(m_queue);
      }
      bool stepOnce = false;
      for (auto& c : commands) guarded([&] { apply(c, stepOnce); });
      if (stop.stop_requested()) return;
      if (m_step && (m_running || stepOnce)) guarded([&] { train(stop, stepOnce); });
    }
  }

  template <class F>
  void guarded(F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      halt(TrainerStatus::Failed, "training failed: ", e);
    } catch (...) {
      halt(TrainerStatus::Failed, "training failed: ", std::runtime_error("an unknown error"));
    }
  }

  // Stops running with `status` and the first line of `e` after `prefix`, and says so.
  void halt(TrainerStatus status, const char* prefix, const std::exception& e) {
    const std::string what = e.what();
    m_running = false;
    m_status = status;
    m_message = prefix + what.substr(0, what.find('\n'));
    publish(false);
  }

  // A conditional spec's MLP takes the data's classes (the trainer follows data changes).
  static TrainProblemSpec withDataClasses(TrainProblemSpec spec, const Problem& problem) {
    if (!spec.conditional || spec.net.kind != nn::NetKind::Mlp) return spec;
    if (problem.classes < 2)
      throw Failure(spec.data +
                    " has no classes to condition on (a class-conditional model needs labelled "
                    "data: mixture components, a labelled CSV, painted classes)");
    spec.net.mlp.classes = problem.classes;
    return spec;
  }

  void prepare(const TrainProblemSpec& spec) {
    m_status = TrainerStatus::Preparing;
    m_message = "preparing " + spec.data;
    publish(false);
    setComputeThreads(spec.threads);
    auto problem =
        buildProblem(spec.data, spec.sde, spec.train.datasetSize, spec.train.seed, 0, &m_closing);
    if (!problem) throw Failure(problem.error().message);
    m_device = torch::Device(spec.device);
    const TrainProblemSpec resolved = withDataClasses(spec, problem.value());
    TrainStep::Setup setup{resolved.net, problem.value().sdeObject, problem.value().data,
                           spec.train, m_device};
    setup.labels = problem.value().labels;
    auto step = std::make_unique<TrainStep>(std::move(setup));
    // Only now replace the current state: a failed preparation keeps the old model.
    m_step = std::move(step);
    m_problem = std::move(problem.value());
    m_spec = resolved;
    m_running = false;
    resetCounters();
    m_status = TrainerStatus::Idle;
    m_message = "ready: press Start";
    publish(true);
  }

  void resetCounters() {
    m_loss = m_smoothed = m_gradNorm = m_stepsPerSecond = 0;
    m_watch.reset();
    m_history.clear();
    m_goodNet = nn::cloneNet(m_step->net(), m_spec.net);
    m_goodEma = nn::cloneNet(m_step->ema(), m_spec.net);
    m_goodStep = m_step->steps();
  }

  void apply(Command& c, bool& stepOnce) {
    std::visit(
        [&](auto& cmd) {
          using T = std::decay_t<decltype(cmd)>;
          if constexpr (std::is_same_v<T, Start>) {
            if (!m_step) return;
            m_running = true;
            m_status = TrainerStatus::Running;
            m_message = "training";
            m_rateStart = Clock::now();
            m_rateSteps = 0;
          } else if constexpr (std::is_same_v<T, Pause>) {
            if (m_running) {
              m_running = false;
              m_status = TrainerStatus::Paused;
              m_message = "paused";
              publish(true);
            }
          } else if constexpr (std::is_same_v<T, StepOnce>) {
            m_running = false;
            stepOnce = true;
          } else if constexpr (std::is_same_v<T, Reset>) {
            prepare(m_spec);
          } else if constexpr (std::is_same_v<T, SetConfig>) {
            if (auto e = cmd.config.validate(); !e) {
              m_message = "settings not applied: " + e.error().message;
            } else {
              if (m_step) m_step->setConfig(cmd.config);
              m_spec.train = cmd.config;
            }
            publish(false);
          } else if constexpr (std::is_same_v<T, SetProblem>) {
            if (!m_step) return prepare(cmd.spec);
            try {
              prepare(cmd.spec);
            } catch (const std::exception& e) {
              // The current model stays: say why the switch did not happen.
              halt(TrainerStatus::Paused, "kept the current model: ", e);
            }
          } else if constexpr (std::is_same_v<T, Save>) {
            save(cmd.path);
          } else if constexpr (std::is_same_v<T, Load>) {
            load(cmd.path, cmd.metaFile);
          }
        },
        c);
  }

  void save(const std::string& path) {
    if (!m_step) {
      m_message = "nothing to save yet";
    } else {
      CheckpointMeta meta{m_spec.data,      m_problem.sde,   m_spec.net,
                          m_step->config(), m_step->steps(), appVersion()};
      auto r = ::ss::train::saveCheckpoint(path, *m_step, meta);
      m_message = r ? "saved " + path + " (step " + std::to_string(m_step->steps()) + ")"
                    : r.error().message;
    }
    publish(false);
  }

  // An imported TorchScript model is published as the snapshot as it is: it is not trained
  // here (Start trains a model of our own on the same problem).
  void loadImported(const std::string& path, const std::string& metaFile) {
    auto snap = loadModelSnapshot(path, m_device.str(), ModelOpenOptions{metaFile, {}});
    if (!snap) {
      m_message = snap.error().message;
      publish(false);
      return;
    }
    m_running = false;
    m_status = TrainerStatus::Paused;
    m_message = "opened " + path + " (" + model::summary(*snap.value()->meta) +
                "); Start trains a model of our own";
    m_imported = true;
    publish(false);
    m_snapshot.publish(snap.value());
  }

  void load(const std::string& path, const std::string& metaFile) {
    auto d = describeModelFile(path, metaFile, /*checkpointDetails=*/false);
    if (d && d.value().meta) return loadImported(path, metaFile);
    auto meta = readCheckpointMeta(path);
    if (!meta) {
      m_message = meta.error().message;
      publish(false);
      return;
    }
    auto problem = buildProblem(meta.value().data, meta.value().sde, meta.value().train.datasetSize,
                                meta.value().train.seed, 0, &m_closing);
    if (!problem) {
      m_message = path + ": its dataset cannot be loaded: " + problem.error().message;
      publish(false);
      return;
    }
    auto step =
        ::ss::train::loadCheckpoint(path, problem.value().data, m_device, problem.value().labels);
    if (!step) {
      m_message = step.error().message;
      publish(false);
      return;
    }
    m_step = std::move(step.value());
    m_problem = std::move(problem.value());
    m_spec.data = meta.value().data;
    m_spec.sde = meta.value().sde;
    m_spec.net = meta.value().net;
    m_spec.train = meta.value().train;
    m_running = false;
    resetCounters();
    m_status = TrainerStatus::Paused;
    m_message = "loaded " + path + " (step " + std::to_string(m_step->steps()) + ")";
    publish(true);
  }

  // Runs steps for up to ~50 ms (or one step), publishing every ~100 ms.
  void train(const std::stop_token& stop, bool once) {
    const auto sliceEnd = Clock::now() + std::chrono::milliseconds(50);
    do {
      workerDelayPoint();  // a test hook (a very slow worker); no-op by default
      const auto r = m_step->step();
      ++m_rateSteps;
      m_loss = r.loss;
      m_gradNorm = r.gradNorm;
      const bool spike = m_step->steps() > 200 && m_smoothed > 0 &&
                         r.loss > m_spec.train.divergenceFactor * m_smoothed;
      if (m_watch.diverged(r.loss) || spike) {
        divergence(r.loss);
        return;
      }
      m_smoothed = m_smoothed == 0 ? r.loss : 0.98 * m_smoothed + 0.02 * r.loss;
      m_history.push(m_step->steps(), static_cast<float>(r.loss), static_cast<float>(m_smoothed));
      if (once) break;
    } while (Clock::now() < sliceEnd && !stop.stop_requested() && !hasCommands());
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - m_rateStart).count();
    if (elapsed > 0.25) {
      m_stepsPerSecond = m_rateSteps / elapsed;
      m_rateStart = now;
      m_rateSteps = 0;
    }
    if (once) {
      m_status = TrainerStatus::Paused;
      m_message = "paused after one step";
    }
    if (once || now - m_lastPublish > std::chrono::milliseconds(100)) publish(true);
  }

  void divergence(double loss) {
    const int64_t at = m_step->steps();
    m_step->restoreWeights(*m_goodNet, *m_goodEma, m_goodStep);
    m_watch.reset();  // the rolled-back run starts a fresh watch
    m_running = false;
    m_status = TrainerStatus::Diverged;
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "Training diverged at step %lld (loss %.3g, smoothed %.3g). Rolled back to step "
                  "%lld and paused; lower the learning rate (now %.3g) before resuming.",
                  static_cast<long long>(at), loss, m_smoothed, static_cast<long long>(m_goodStep),
                  m_spec.train.lr);
    m_message = buf;
    publish(true);
  }

  bool weightsFinite() {
    torch::NoGradGuard guard;
    for (const auto& p : m_step->net().parameters())
      if (!torch::isfinite(p).all().item<bool>()) return false;
    return true;
  }

  void publish(bool withSnapshot) {
    m_lastPublish = Clock::now();
    if (withSnapshot) m_imported = false;  // our own model replaces an imported one
    auto s = std::make_shared<TrainerStats>();
    s->imported = m_imported;
    s->status = m_status;
    s->message = m_message;
    s->device = m_device.str();
    s->sde = m_problem.sde;
    s->train = m_spec.train;
    s->classes = m_spec.net.kind == nn::NetKind::Mlp ? m_spec.net.mlp.classes : 0;
    if (m_step) {
      s->step = m_step->steps();
      s->loss = m_loss;
      s->lossSmoothed = m_smoothed;
      s->gradNorm = m_gradNorm;
      s->stepsPerSecond = m_stepsPerSecond;
      s->samplesPerSecond = m_stepsPerSecond * m_step->config().batch;
      s->parameters = nn::parameterCount(m_step->net());
      m_history.copyTo(*s);
    }
    if (withSnapshot && m_step) {
      if (!weightsFinite()) {
        divergence(std::nan(""));
        return;
      }
      // The weights are good: remember them for a rollback, and publish the EMA copy.
      nn::copyWeights(m_step->net(), *m_goodNet);
      nn::copyWeights(m_step->ema(), *m_goodEma);
      m_goodStep = m_step->steps();
      auto snap = std::make_shared<ModelSnapshot>();
      snap->ema = nn::cloneNet(m_step->ema(), m_spec.net);
      snap->ema->eval();
      snap->net = m_spec.net;
      snap->sde = m_problem.sdeObject;
      snap->data = m_spec.data;
      snap->step = m_step->steps();
      snap->device = m_device;
      m_snapshot.publish(std::move(snap));
    }
    m_stats.publish(std::move(s));
    m_cv.notify_all();
  }
};

Trainer::Trainer(TrainProblemSpec spec) : m_impl(std::make_unique<Impl>(std::move(spec))) {}

Trainer::~Trainer() {
  m_impl->m_closing = true;
  m_impl->m_thread.request_stop();
  m_impl->m_cv.notify_all();
  m_impl->m_thread.join();
}

void Trainer::start() { m_impl->send(Start{}); }
void Trainer::pause() { m_impl->send(Pause{}); }
void Trainer::stepOnce() { m_impl->send(StepOnce{}); }
void Trainer::reset() { m_impl->send(Reset{}); }
void Trainer::setTrainConfig(const TrainConfig& config) { m_impl->send(SetConfig{config}); }
void Trainer::setProblem(const TrainProblemSpec& spec) { m_impl->send(SetProblem{spec}); }
void Trainer::saveCheckpoint(const std::string& path) { m_impl->send(Save{path}); }
void Trainer::loadCheckpoint(const std::string& path, const std::string& metaFile) {
  m_impl->send(Load{path, metaFile});
}

std::shared_ptr<const TrainerStats> Trainer::stats(uint64_t* version) const {
  return m_impl->m_stats.latest(version);
}

std::shared_ptr<const ModelSnapshot> Trainer::snapshot(uint64_t* version) const {
  return m_impl->m_snapshot.latest(version);
}

bool Trainer::waitForStep(int64_t step, int timeoutMs) const {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
  while (Clock::now() < deadline) {
    auto s = stats();
    if (s && s->step >= step) return true;
    if (s && (s->status == TrainerStatus::Failed || s->status == TrainerStatus::Diverged))
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

}  // namespace ss::train
