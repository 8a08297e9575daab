#include "core/train/classifier.h"

#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "core/common/error.h"
#include "core/common/latest.h"
#include "core/common/runtime.h"
#include "core/data/image_dataset.h"
#include "core/data/toy.h"
#include "core/nn/mlp.h"
#include "core/score/guided_score.h"
#include "core/sde/sde.h"

namespace ss::train {

namespace {

// [x, Fourier(t)] → depth × (Linear(width), SiLU) → Linear(classes): logits. Cloneable, so
// a snapshot is a real copy (clone()), never a shared holder.
struct ClassifierNetImpl : torch::nn::Cloneable<ClassifierNetImpl> {
  ClassifierNetImpl(int classes, int width, int depth)
      : classes(classes), width(width), depth(depth) {
    reset();
  }
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

// Images [B, C, size, size] → logits: three 3×3 convolutions (C → 32 → 64 at half size →
// 64 at a quarter) with GroupNorm and SiLU, a Fourier embedding of t projected to 64
// channels and added to the last two feature maps, then Linear(64 × quarter² → classes)
// (a flatten, not a global mean: where a stroke is matters for clothes).
struct ImageClassifierNetImpl : torch::nn::Cloneable<ImageClassifierNetImpl> {
  ImageClassifierNetImpl(int channels, int size, int classes)
      : channels(channels), size(size), classes(classes) {
    reset();
  }
  void reset() override {
    timeW = register_buffer("time_W", torch::zeros({8}));  // drawn by prepare, as the MLP's
    temb = register_module("temb", torch::nn::Linear(16, 64));
    c1 = register_module("c1",
                         torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, 32, 3).padding(1)));
    n1 = register_module("n1", torch::nn::GroupNorm(8, 32));
    c2 = register_module(
        "c2", torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3).stride(2).padding(1)));
    n2 = register_module("n2", torch::nn::GroupNorm(8, 64));
    c3 = register_module(
        "c3", torch::nn::Conv2d(torch::nn::Conv2dOptions(64, 64, 3).stride(2).padding(1)));
    n3 = register_module("n3", torch::nn::GroupNorm(8, 64));
    const int quarter = ((size + 1) / 2 + 1) / 2;  // two stride-2 convolutions with padding 1
    out = register_module("out", torch::nn::Linear(64 * quarter * quarter, classes));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t) {
    auto emb = torch::silu(temb->forward(nn::fourierFeatures(t.to(torch::kFloat), timeW)))
                   .unsqueeze(2)
                   .unsqueeze(3);
    auto h = torch::silu(n1->forward(c1->forward(x)));
    h = torch::silu(n2->forward(c2->forward(h)) + emb);
    h = torch::silu(n3->forward(c3->forward(h)) + emb);
    return out->forward(h.flatten(1));
  }
  int channels, size, classes;
  torch::Tensor timeW;
  torch::nn::Linear temb{nullptr}, out{nullptr};
  torch::nn::Conv2d c1{nullptr}, c2{nullptr}, c3{nullptr};
  torch::nn::GroupNorm n1{nullptr}, n2{nullptr}, n3{nullptr};
};
TORCH_MODULE(ImageClassifierNet);

// One of the two networks (points: the MLP, images: the CNN) behind one interface.
struct AnyClassifierNet {
  ClassifierNet mlp{nullptr};
  ImageClassifierNet cnn{nullptr};
  explicit operator bool() const { return mlp || cnn; }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t) const {
    return mlp ? mlp.ptr()->forward(x, t) : cnn.ptr()->forward(x, t);
  }
  torch::nn::Module& module() const {
    return mlp ? static_cast<torch::nn::Module&>(*mlp.ptr()) : *cnn.ptr();
  }
  // A real copy (clone()), never a shared holder.
  AnyClassifierNet clone() const {
    AnyClassifierNet c;
    if (mlp) c.mlp = std::dynamic_pointer_cast<ClassifierNetImpl>(mlp->clone());
    if (cnn) c.cnn = std::dynamic_pointer_cast<ImageClassifierNetImpl>(cnn->clone());
    return c;
  }
};

// A deep copy of the network for other threads: log p_t(k | x) = log_softmax(logits).
class LearnedClassifier final : public score::TimeClassifier {
 public:
  LearnedClassifier(AnyClassifierNet net, int64_t classes)
      : m_net(std::move(net)), m_classes(classes) {
    m_net.module().eval();
  }
  torch::Tensor logProbs(const torch::Tensor& x, const torch::Tensor& t) const override {
    auto tt = t.dim() == 0 ? t.expand({x.size(0)}) : t;
    return torch::log_softmax(m_net.forward(x.to(torch::kFloat), tt), 1).to(x.scalar_type());
  }
  int64_t classes() const override { return m_classes; }
  std::string name() const override { return "trained classifier"; }

 private:
  AnyClassifierNet m_net;  // never trained: forward only (autograd to x), any thread
  int64_t m_classes;
};

// σ [B] as [B, 1, …] against x's rank.
torch::Tensor perSampleStd(const torch::Tensor& std, const torch::Tensor& x) {
  std::vector<int64_t> shape(x.dim(), 1);
  shape[0] = std.size(0);
  return std.reshape(shape);
}

}  // namespace

ClassifierSpec imageClassifierSpec(const std::string& data, const sde::SdeConfig& sde) {
  ClassifierSpec s;
  s.data = data;
  s.sde = sde;
  s.batch = 64;
  s.steps = 1500;
  s.lr = 2e-3;
  return s;
}

Expected<TrainedClassifier> trainClassifierAndWait(const ClassifierSpec& spec, int64_t guideClass) {
  ClassifierTrainer trainer;
  trainer.train(spec);
  trainer.waitDone(1e9);
  TrainedClassifier out{trainer.snapshot(), trainer.stats()};
  if (!out.stats || out.stats->status != ClassifierStatus::Done || !out.snapshot)
    return Error{out.stats ? out.stats->message : std::string("the classifier did not train")};
  if (guideClass >= out.stats->classes)
    return Error{"class " + std::to_string(guideClass) + " is outside the " +
                 std::to_string(out.stats->classes) + " classes of " + spec.data + " (0-based)"};
  return out;
}

struct ClassifierTrainer::Impl {
  mutable std::mutex mutex;
  mutable std::condition_variable_any cv;
  std::optional<ClassifierSpec> pending;  // a (re)start command
  bool stopRequested = false;
  bool active = false;               // training a spec (worker-owned, read under the mutex)
  std::atomic<bool> closing{false};  // set by the destructor: a dataset load stops
  LatestBox<ClassifierStats> stats;
  LatestBox<ClassifierSnapshot> snapshots;
  std::jthread thread;

  Impl() : thread([this](std::stop_token st) { loop(st); }) {}

  // Worker state for the spec being trained.
  struct Run {
    ClassifierSpec spec;
    std::shared_ptr<const data::ToyDistribution> toy;  // points
    torch::Tensor images, labels;                      // images: [M, C, H, W] and [M]
    torch::Tensor trainIdx;  // images: the rows trained on (the others are held out)
    int64_t heldOut = 0;
    std::vector<std::string> classNames;
    std::shared_ptr<const sde::Sde> sde;
    AnyClassifierNet net;
    std::unique_ptr<torch::optim::Adam> opt;
    at::Generator gen;
    int classes = 0;
    int64_t step = 0;
    double loss = 0;
    // Held-out points per evaluation time: x(t), labels, and the exact posterior's accuracy.
    std::vector<double> times;
    std::vector<torch::Tensor> heldX, heldY;
    std::vector<double> bayes;
    std::vector<double> accuracy;  // the last evaluation of the held-out accuracy
    std::chrono::steady_clock::time_point evaluated{};
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
      s->classNames = run->classNames;
      s->heldOut = run->heldX.empty() ? 0 : run->heldX.front().size(0);
      // The MLP is evaluated at every publish; the CNN (a forward over the held-out images
      // at three times) at most every 3 s, and at the end.
      const auto now = std::chrono::steady_clock::now();
      const bool due = !run->images.defined() || status != ClassifierStatus::Training ||
                       now - run->evaluated > std::chrono::seconds(3);
      if (run->net && due) {
        torch::NoGradGuard ng;
        run->net.module().eval();
        run->accuracy.clear();
        for (size_t i = 0; i < run->times.size(); ++i) {
          auto tt = torch::full({run->heldX[i].size(0)}, run->times[i], torch::kFloat);
          auto pred = run->net.forward(run->heldX[i], tt).argmax(1);
          run->accuracy.push_back(pred.eq(run->heldY[i]).to(torch::kDouble).mean().item<double>());
        }
        run->net.module().train();
        run->evaluated = now;
      }
      s->accuracy = run->accuracy;
    }
    stats.publish(std::move(s));
  }

  void publishSnapshot(Run& run) {
    auto snap = std::make_shared<ClassifierSnapshot>();
    snap->classifier = std::make_shared<LearnedClassifier>(run.net.clone(), run.classes);
    snap->spec = run.spec;
    snap->step = run.step;
    if (run.images.defined()) {
      snap->imageChannels = static_cast<int>(run.images.size(1));
      snap->imageSize = static_cast<int>(run.images.size(2));
    }
    snapshots.publish(std::move(snap));
  }

  // An image dataset's images and labels; a seeded fifth (at most 500) is held out.
  void loadImages(Run& run) const {
    data::ImageLoadOptions opt;
    opt.limit = run.spec.imageLimit;
    opt.cancel = &closing;  // the destructor does not wait for a whole dataset to load
    auto set = data::loadImageDataset(run.spec.data, opt);
    if (!set) throw Failure(set.error().message);
    auto& d = set.value();
    if (!d.labels.defined() || d.classNames.size() < 2)
      throw Failure(run.spec.data +
                    " has no classes to guide toward (Fashion-MNIST has ten; a folder has one "
                    "sub-folder per class)");
    if (d.size() < 10)
      throw Failure(run.spec.data + ": " + std::to_string(d.size()) +
                    " images are too few to train on");
    run.images = d.images;
    run.labels = d.labels;
    run.classNames = d.classNames;
    run.classes = static_cast<int>(d.classNames.size());
    run.heldOut = std::min<int64_t>(500, d.size() / 5);
  }

  std::unique_ptr<Run> prepare(const ClassifierSpec& spec) {
    auto run = std::make_unique<Run>();
    run->spec = spec;
    const bool images = data::isImageDatasetSpec(spec.data);
    if (images) {
      loadImages(*run);
    } else {
      auto toy = data::makeToy(spec.data);
      if (!toy) throw Failure(toy.error().message);
      run->toy = toy.value();
      run->classes = run->toy->numClasses();
      if (run->classes < 2)
        throw Failure(
            spec.data +
            " has no classes to guide toward (a mixture's components or a labelled toy have)");
    }
    if (spec.batch < 2 || spec.steps < 1 || !(spec.lr > 0) || spec.width < 1 || spec.depth < 1)
      throw Failure("classifier settings must be positive (batch ≥ 2, steps ≥ 1, lr > 0)");
    run->sde = sde::Sde::create(spec.sde);
    run->gen = at::make_generator<at::CPUGeneratorImpl>(spec.seed);
    if (images)
      run->net.cnn = ImageClassifierNet(static_cast<int>(run->images.size(1)),
                                        static_cast<int>(run->images.size(2)), run->classes);
    else
      run->net.mlp = ClassifierNet(run->classes, spec.width, spec.depth);
    {
      torch::NoGradGuard ng;
      auto& timeW = images ? run->net.cnn->timeW : run->net.mlp->timeW;
      timeW.normal_(0.0, 16.0, run->gen);  // time frequencies, as the score MLP's
    }
    nn::seededInit(run->net.module(), run->gen);
    run->opt = std::make_unique<torch::optim::Adam>(run->net.module().parameters(),
                                                    torch::optim::AdamOptions(spec.lr));
    // Held-out draws at three times (points: the seed's far end; images: the last ones),
    // never used for training.
    run->times = {0.1 * spec.sde.T, 0.4 * spec.sde.T, 0.7 * spec.sde.T};
    if (images) {
      const int64_t m = run->images.size(0);
      auto shuffle = at::make_generator<at::CPUGeneratorImpl>(spec.seed + 5);
      auto perm = torch::randperm(m, shuffle, torch::kLong);
      run->trainIdx = perm.narrow(0, run->heldOut, m - run->heldOut);
      auto held = perm.narrow(0, 0, run->heldOut);
      auto x0 = run->images.index_select(0, held);
      auto y = run->labels.index_select(0, held);
      for (size_t i = 0; i < run->times.size(); ++i) {
        auto tt = torch::full({run->heldOut}, run->times[i], torch::kFloat);
        auto [mean, std] = run->sde->marginalProb(x0, tt);
        auto g = at::make_generator<at::CPUGeneratorImpl>(spec.seed + 77 + i);
        run->heldX.push_back(mean +
                             perSampleStd(std, x0) * torch::randn(x0.sizes(), g, torch::kFloat));
        run->heldY.push_back(y);
      }
      return run;
    }
    std::optional<score::MixtureClassifier> exact;
    if (auto gm = run->toy->mixture()) exact.emplace(*gm, run->sde);
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
    torch::Tensor x0, label;
    if (run.images.defined()) {  // a batch of the images not held out
      auto pick = torch::randint(0, run.trainIdx.size(0), {s.batch}, run.gen, torch::kLong);
      auto idx = run.trainIdx.index_select(0, pick);
      x0 = run.images.index_select(0, idx);
      label = run.labels.index_select(0, idx);
    } else {
      const auto d = run.toy->sample(s.batch, s.seed + 1 + static_cast<uint64_t>(run.step));
      x0 = d.x;
      label = d.label;
    }
    auto t = torch::rand({s.batch}, run.gen, torch::kFloat) * (s.sde.T - s.sde.eps) + s.sde.eps;
    auto [mean, std] = run.sde->marginalProb(x0, t);
    auto x = mean + perSampleStd(std, x0) * torch::randn(x0.sizes(), run.gen, torch::kFloat);
    auto loss = torch::nn::functional::cross_entropy(run.net.forward(x, t), label);
    run.opt->zero_grad();
    loss.backward();
    run.opt->step();
    const double l = loss.item<double>();
    if (!std::isfinite(l))
      throw Failure("the classifier's loss is not finite at step " + std::to_string(run.step + 1));
    run.loss = run.step == 0 ? l : 0.98 * run.loss + 0.02 * l;
    ++run.step;
  }

  void loop(const std::stop_token& stop) {
    lowerCurrentThreadPriority();  // the UI thread comes first
    std::unique_ptr<Run> run;
    using Clock = std::chrono::steady_clock;
    auto lastPublish = Clock::now();
    for (;;) {
      // The destructor asks to stop: leave between steps even while training (a CNN step on
      // images can take a second; closing the window must not wait for the last one).
      if (stop.stop_requested()) return;
      std::optional<ClassifierSpec> start;
      {
        std::unique_lock lock(mutex);
        if (!cv.wait(lock, stop, [&] { return pending.has_value() || stopRequested || active; }))
          return;
        start = std::exchange(pending, std::nullopt);
        if (start) active = true;  // waitDone waits from here on
        if (stopRequested && !start) {
          stopRequested = false;
          active = false;
          if (run)
            publishStats(run.get(), ClassifierStatus::Idle,
                         "stopped at step " + std::to_string(run->step));
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
                            : "training: step " + std::to_string(run->step) + " of " +
                                  std::to_string(run->spec.steps));
        }
        if (done) {
          std::lock_guard lock(mutex);
          active = false;
          cv.notify_all();
        }
      } catch (const std::exception& e) {
        std::string what = e.what();
        publishStats(run.get(), ClassifierStatus::Failed,
                     "classifier: " + what.substr(0, what.find('\n')));
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
  m_impl->closing = true;
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

std::shared_ptr<const ClassifierStats> ClassifierTrainer::stats() const {
  return m_impl->stats.latest();
}

std::shared_ptr<const ClassifierSnapshot> ClassifierTrainer::snapshot(uint64_t* version) const {
  return m_impl->snapshots.latest(version);
}

bool ClassifierTrainer::waitDone(double seconds) const {
  std::unique_lock lock(m_impl->mutex);
  return m_impl->cv.wait_for(lock, std::chrono::duration<double>(seconds),
                             [&] { return !m_impl->active && !m_impl->pending; });
}

}  // namespace ss::train
