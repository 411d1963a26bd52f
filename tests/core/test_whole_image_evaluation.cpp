// evaluate_whole_images: every pixel of an image is context and target; the metrics are those of
// the predictions, checked against two models whose predictions are known in closed form.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "nplab/data/image_tasks.h"
#include "nplab/models/neural_process.h"
#include "nplab/train/evaluation.h"
#include "nplab/util/checks.h"

namespace nplab {
namespace {

models::ModelDims image_dims() {
  models::ModelDims dims;
  dims.dim_x = 2;
  dims.dim_y = 1;
  return dims;
}

// Predicts, at each target, the value of the nearest context point with a fixed std: given every
// pixel it returns the image exactly.
class NearestPixelModel : public models::StoredContextModel {
 public:
  explicit NearestPixelModel(double stddev)
      : models::StoredContextModel("nearest", image_dims()), stddev_(stddev) {}
  nlohmann::json config() const override { return {{"model", "nearest"}}; }

 protected:
  models::Prediction do_predict(const models::ModelState& state, const at::Tensor& xt) override {
    const auto& context = stored(state);
    const auto nearest = at::cdist(xt, context.xc()).argmin(-1);  // [B, M]
    const auto mean = at::gather(context.yc(), 1, nearest.unsqueeze(-1));
    return {mean, at::full_like(mean, stddev_)};
  }

 private:
  double stddev_;
};

// Predicts N(0, 1) everywhere, whatever the context.
class StandardNormalModel : public models::StoredContextModel {
 public:
  StandardNormalModel() : models::StoredContextModel("standard-normal", image_dims()) {}
  nlohmann::json config() const override { return {{"model", "standard-normal"}}; }

 protected:
  models::Prediction do_predict(const models::ModelState&, const at::Tensor& xt) override {
    const auto shape = std::vector<int64_t>{xt.size(0), xt.size(1), 1};
    return {at::zeros(shape), at::ones(shape)};
  }
};

at::Tensor random_images(int64_t count) {
  torch::manual_seed(5);
  return at::randint(0, 256, {count, 6, 5}, at::kByte);
}

TEST(WholeImageEvaluation, AModelThatReturnsTheRevealedPixelsHasZeroErrorAndItsOwnStd) {
  NearestPixelModel model(0.05);
  const auto result = train::evaluate_whole_images(model, random_images(7), 5, /*batch_size=*/2);
  EXPECT_EQ(result.images, 5);
  EXPECT_NEAR(result.rmse, 0.0, 1e-7);
  EXPECT_NEAR(result.mean_std, 0.05, 1e-7);
  EXPECT_DOUBLE_EQ(result.coverage_1sd, 1.0);
  EXPECT_DOUBLE_EQ(result.coverage_2sd, 1.0);
  EXPECT_NEAR(result.tar_ll, -std::log(0.05) - 0.5 * std::log(2 * std::numbers::pi), 1e-5);
  EXPECT_NEAR(result.tar_ll_se, 0.0, 1e-7);
}

TEST(WholeImageEvaluation, ErrorStdLikelihoodAndCoverageAreThoseOfTheImagesValues) {
  StandardNormalModel model;
  const auto images = random_images(4);
  const auto result = train::evaluate_whole_images(model, images, 3, /*batch_size=*/2);
  // Pixel values as the models see them: intensity / 255 - 0.5, in [-0.5, 0.5].
  const auto y = images.slice(0, 0, 3).to(at::kDouble) / 255.0 - 0.5;
  EXPECT_NEAR(result.rmse, std::sqrt(y.square().mean().item<double>()), 1e-6);
  EXPECT_DOUBLE_EQ(result.mean_std, 1.0);
  EXPECT_DOUBLE_EQ(result.coverage_1sd, 1.0);  // |y| <= 0.5 < 1σ
  const auto per_image = (-0.5 * y.square() - 0.5 * std::log(2 * std::numbers::pi)).mean({1, 2});
  EXPECT_NEAR(result.tar_ll, per_image.mean().item<double>(), 1e-5);
  EXPECT_NEAR(result.tar_ll_se, (per_image.std() / std::sqrt(3.0)).item<double>(), 1e-5);
}

TEST(WholeImageEvaluation, AskingForMoreImagesThanThereAreSaysHowManyThereAre) {
  StandardNormalModel model;
  try {
    train::evaluate_whole_images(model, random_images(2), 3);
    ADD_FAILURE() << "expected InvalidArgument";
  } catch (const util::InvalidArgument& error) {
    EXPECT_THAT(error.what(), ::testing::HasSubstr("there are 2"));
  }
}

}  // namespace
}  // namespace nplab
