#include "core/train/classifier.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "core/common/error.h"
#include "core/common/latest.h"
#include "core/common/runtime.h"
#include "core/data/toy.h"
#include "core/nn/mlp.h"
#include "core/score/guided_score.h"
#include "core/sde/sde.h"

namespace ss::train {

namespace {

// [x, Fourier(t)] → depth × (Linear(width), SiLU) → Linear(classes): logits. Cloneable, so
// a snapshot is a real copy (clone()), never a shared holder.
struct ClassifierNetImpl : torch::nn::Cloneable<ClassifierNetImpl> {
  ClassifierNetImpl(int classes, int width, int depth) : classes(classes), width(width), depth(depth) { reset(); }
  void reset() override {
    hidden.clear();
    timeW = register_buffer("time_W", torch::zeros({8}));  // drawn by initClassifier
    int in = 2 + 16;
    for (int i = 0; i < depth; ++i) {
      hidden.push_back(register_module("h" + std::to_string(i), torch::nn::Linear(in, width)));
      in = width;
    }
    out = register_module("out", torch::nn::Linear(in, classes));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t) {
    auto h = torch::cat({x, nn::fourierFeatures(t.to(torch::kFloat), timeW)}, 1);
    for (auto& l : hidden) h = torch::silu(l->forward(h));
    return out->forward(h);
  }
  int classes, width, depth;
  torch::Tensor timeW;
  std::vector<torch::nn::Linear> hidden;
  torch::nn::Linear out{nullptr};
};
TORCH_MODULE(ClassifierNet);

// A deep copy of the network for other threads: log p_t(k | x) = log_softmax(logits).
class LearnedClassifier final : public score::TimeClassifier {
 public:
  LearnedClassifier(ClassifierNet net, int64_t classes) : m_net(std::move(net)), m_classes(classes) {
    m_net->eval();
  }
  torch::Tensor logProbs(const torch::Tensor& x, const torch::Tensor& t) const override {
    auto tt = t.dim() == 0 ? t.expand({x.size(0)}) : t;
    return torch::log_softmax(m_net->forward(x.to(torch::kFloat), tt), 1).to(x.scalar_type());
  }
  int64_t classes() const override { return m_classes; }
  std::string name() const override { return "trained classifier"; }

 private:
  mutable ClassifierNet m_net;  // never trained: forward only (autograd to x), any thread
  int64_t m_classes;
};

ClassifierNet cloneNet(ClassifierNet& net) {
  return std::dynamic_pointer_cast<ClassifierNetImpl>(net->clone());
}

}  // namespace

struct ClassifierTrainer::Impl {
  mutable std::mutex mutex;
  mutable std::condition_variable_any cv;
  std::optional<ClassifierSpec> pending;  // a (re)start command
  bool stopRequested = false;
  bool active = false;  // training a spec (worker-owned, read under the mutex)
  LatestBox<ClassifierStats> stats;
  LatestBox<ClassifierSnapshot> snapshots;
  std::jthread thread;

  Impl() : thread([this](std::stop_token st) { loop(st); }) {}

  // Worker state for the spec being trained.
  struct Run {
    ClassifierSpec spec;
    std::shared_ptr<const data::ToyDistribution> toy;
    std::shared_ptr<const sde::Sde> sde;
    ClassifierNet net{nullptr};
    std::unique_ptr<torch::optim::Adam> opt;
    at::Generator gen;
    int classes = 0;
    int64_t step = 0;
    double loss = 0;
    // Held-out points per evaluation time: x(t), labels, and the exact posterior's accuracy.
    std::vector<double> times;
    std::vector<torch::Tensor> heldX, heldY;
    std::vector<double> bayes;
  };

  void publishStats(Run* run, ClassifierStatus status, std::string message) {
    auto s = std::make_shared<ClassifierStats>();
    s->status = status;
    s->message = std::move(message);
    if (run) {
      s->spec = run->spec;
      s->step = run->step;
      s->classes = run->classes;
      s->loss = run->loss;
      s->times = run->times;
      s->bayesAccuracy = run->bayes;
      if (run->net) {
        torch::NoGradGuard ng;
        run->net->eval();
        for (size_t i = 0; i < run->times.size(); ++i) {
          auto tt = torch::full({run->heldX[i].size(0)}, run->times[i], torch::kFloat);
          auto pred = run->net->forward(run->heldX[i], tt).argmax(1);
          s->accuracy.push_back(pred.eq(run->heldY[i]).to(torch::kDouble).mean().item<double>());
        }
        run->net->train();
      }
    }
    stats.publish(std::move(s));
  }

  void publishSnapshot(Run& run) {
    auto snap = std::make_shared<ClassifierSnapshot>();
    snap->classifier = std::make_shared<LearnedClassifier>(cloneNet(run.net), run.classes);
    snap->spec = run.spec;
    snap->step = run.step;
    snapshots.publish(std::move(snap));
  }

  std::unique_ptr<Run> prepare(const ClassifierSpec& spec) {
    auto toy = data::makeToy(spec.data);
    if (!toy) throw Failure(toy.error().message);
    auto run = std::make_unique<Run>();
    run->spec = spec;
    run->toy = toy.value();
    run->classes = run->toy->numClasses();
    if (run->classes < 2)
      throw Failure(spec.data + " has no classes to guide toward (a mixture's components or a labelled toy have)");
    if (spec.batch < 2 || spec.steps < 1 || !(spec.lr > 0) || spec.width < 1 || spec.depth < 1)
      throw Failure("classifier settings must be positive (batch ≥ 2, steps ≥ 1, lr > 0)");
    run->sde = sde::Sde::create(spec.sde);
    run->gen = at::make_generator<at::CPUGeneratorImpl>(spec.seed);
    run->net = ClassifierNet(run->classes, spec.width, spec.depth);
    {
      torch::NoGradGuard ng;
      run->net->timeW.normal_(0.0, 16.0, run->gen);  // time frequencies, as the score MLP's
    }
    nn::seededInit(*run->net, run->gen);
    run->opt = std::make_unique<torch::optim::Adam>(run->net->parameters(), torch::optim::AdamOptions(spec.lr));
    // Held-out draws at three times (the seed's far end, never used for training).
    std::optional<score::MixtureClassifier> exact;
    if (auto gm = run->toy->mixture()) exact.emplace(*gm, run->sde);
    run->times = {0.1 * spec.sde.T, 0.4 * spec.sde.T, 0.7 * spec.sde.T};
    for (size_t i = 0; i < run->times.size(); ++i) {
      const auto d = run->toy->sample(2000, spec.seed + 1'000'000'007ull + i);
      auto tt = torch::full({2000}, run->times[i], torch::kFloat);
      auto [mean, std] = run->sde->marginalProb(d.x, tt);
      auto g = at::make_generator<at::CPUGeneratorImpl>(spec.seed + 77 + i);
      auto x = mean + std.unsqueeze(1) * torch::randn(d.x.sizes(), g, torch::kFloat);
      run->heldX.push_back(x);
      run->heldY.push_back(d.label);
      if (exact) {
        torch::NoGradGuard ng;
        auto lp = exact->logProbs(x.to(torch::kDouble), tt.to(torch::kDouble));
        run->bayes.push_back(lp.argmax(1).eq(d.label).to(torch::kDouble).mean().item<double>());
      }
    }
    return run;
  }

  void trainStep(Run& run) {
    const auto& s = run.spec;
    const auto d = run.toy->sample(s.batch, s.seed + 1 + static_cast<uint64_t>(run.step));
    auto t = torch::rand({s.batch}, run.gen, torch::kFloat) * (s.sde.T - s.sde.eps) + s.sde.eps;
    auto [mean, std] = run.sde->marginalProb(d.x, t);
    auto x = mean + std.unsqueeze(1) * torch::randn(d.x.sizes(), run.gen, torch::kFloat);
    auto loss = torch::nn::functional::cross_entropy(run.net->forward(x, t), d.label);
    run.opt->zero_grad();
    loss.backward();
    run.opt->step();
    const double l = loss.item<double>();
    if (!std::isfinite(l)) throw Failure("the classifier's loss is not finite at step " + std::to_string(run.step + 1));
    run.loss = run.step == 0 ? l : 0.98 * run.loss + 0.02 * l;
    ++run.step;
  }

  void loop(const std::stop_token& stop) {
    lowerCurrentThreadPriority();  // the UI thread comes first
    std::unique_ptr<Run> run;
    using Clock = std::chrono::steady_clock;
    auto lastPublish = Clock::now();
    for (;;) {
      std::optional<ClassifierSpec> start;
      {
        std::unique_lock lock(mutex);
        if (!cv.wait(lock, stop, [&] { return pending.has_value() || stopRequested || active; })) return;
        start = std::exchange(pending, std::nullopt);
        if (start) active = true;  // waitDone waits from here on
        if (stopRequested && !start) {
          stopRequested = false;
          active = false;
          if (run) publishStats(run.get(), ClassifierStatus::Idle, "stopped at step " + std::to_string(run->step));
          cv.notify_all();
          continue;
        }
        stopRequested = false;
      }
      try {
        if (start) {
          run.reset();
          publishStats(nullptr, ClassifierStatus::Training, "preparing " + start->data);
          run = prepare(*start);
        }
        if (!run) continue;
        workerDelayPoint();  // a test hook (a very slow worker); no-op by default
        trainStep(*run);
        const bool done = run->step >= run->spec.steps;
        if (done || Clock::now() - lastPublish > std::chrono::milliseconds(200)) {
          lastPublish = Clock::now();
          publishSnapshot(*run);
          publishStats(run.get(), done ? ClassifierStatus::Done : ClassifierStatus::Training,
                       done ? "trained: " + std::to_string(run->step) + " steps"
                            : "training: step " + std::to_string(run->step) + " of " + std::to_string(run->spec.steps));
        }
        if (done) {
          std::lock_guard lock(mutex);
          active = false;
          cv.notify_all();
        }
      } catch (const std::exception& e) {
        std::string what = e.what();
        publishStats(run.get(), ClassifierStatus::Failed, "classifier: " + what.substr(0, what.find('\n')));
        run.reset();
        std::lock_guard lock(mutex);
        active = false;
        cv.notify_all();
      }
    }
  }
};

ClassifierTrainer::ClassifierTrainer() : m_impl(std::make_unique<Impl>()) {}

ClassifierTrainer::~ClassifierTrainer() {
  m_impl->thread.request_stop();
  m_impl->cv.notify_all();
}

void ClassifierTrainer::train(const ClassifierSpec& spec) {
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->pending = spec;
  }
  m_impl->cv.notify_all();
}

void ClassifierTrainer::stop() {
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->stopRequested = true;
  }
  m_impl->cv.notify_all();
}

std::shared_ptr<const ClassifierStats> ClassifierTrainer::stats() const { return m_impl->stats.latest(); }

std::shared_ptr<const ClassifierSnapshot> ClassifierTrainer::snapshot(uint64_t* version) const {
  return m_impl->snapshots.latest(version);
}

bool ClassifierTrainer::waitDone(double seconds) const {
  std::unique_lock lock(m_impl->mutex);
  return m_impl->cv.wait_for(lock, std::chrono::duration<double>(seconds),
                             [&] { return !m_impl->active && !m_impl->pending; });
}

}  // namespace ss::train
