// What --sbom and --provenance of `multiarch buildx` ask for (multiarch's own, none, or
// BuildKit's, never mixed) and the line the run prints about it.
#include "buildx/buildx_attestations.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"

namespace multiarch {
namespace {

TEST(ChooseAttestations, DefaultIsMultiarchsOwnAndNothingForBuildx) {
  auto choice = choose_attestations(std::nullopt, std::nullopt);
  EXPECT_TRUE(choice.sbom);
  EXPECT_TRUE(choice.provenance);
  EXPECT_EQ(choice.buildx_sbom, "false");
  EXPECT_EQ(choice.buildx_provenance, "false");
  EXPECT_FALSE(choice.buildkit());
  // The bare flag (cxxopts' implicit value) is the same.
  choice = choose_attestations("true", "true");
  EXPECT_TRUE(choice.sbom && choice.provenance && !choice.buildkit());
}

TEST(ChooseAttestations, FalseTurnsEachOff) {
  auto choice = choose_attestations("false", std::nullopt);
  EXPECT_FALSE(choice.sbom);
  EXPECT_TRUE(choice.provenance);
  choice = choose_attestations("false", "false");
  EXPECT_FALSE(choice.sbom || choice.provenance || choice.buildkit());
}

TEST(ChooseAttestations, BuildkitValuesGoToBuildxAndTurnMultiarchsOff) {
  auto choice = choose_attestations(std::nullopt, "mode=max");
  EXPECT_EQ(choice.buildx_provenance, "mode=max");
  EXPECT_EQ(choice.buildx_sbom, "false");  // not given: off, as before multiarch's own existed
  EXPECT_FALSE(choice.sbom || choice.provenance);
  choice = choose_attestations("buildkit", "buildkit");
  EXPECT_EQ(choice.buildx_sbom, "true");
  EXPECT_EQ(choice.buildx_provenance, "true");
  choice = choose_attestations("generator=reg/scanner:1", "false");
  EXPECT_EQ(choice.buildx_sbom, "generator=reg/scanner:1");
  EXPECT_EQ(choice.buildx_provenance, "false");
}

TEST(ChooseAttestations, MixingMultiarchsAndBuildkitsIsRefused) {
  try {
    choose_attestations("true", "mode=min");
    FAIL() << "mixed";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "--sbom=true (multiarch's own) cannot be mixed with BuildKit's attestations in "
                 "one index; give --sbom=buildkit (BuildKit's) or --sbom=false");
  }
  EXPECT_THROW(choose_attestations("buildkit", "true"), InputError);
  EXPECT_THROW(choose_attestations("", std::nullopt), InputError);
  EXPECT_THROW(choose_attestations(std::nullopt, "mode=max extra"), InputError);
}

TEST(AttestationNote, SaysWhatIsAttachedAndWhy) {
  AttestationChoice own;
  EXPECT_EQ(attestation_note(own, true, "--push"),
            "attestations: multiarch's SBOM and provenance per platform, from the staged "
            "binaries (deterministic; --sbom=false --provenance=false for none)");
  EXPECT_EQ(attestation_note(own, false, "--load"),
            "attestations: none attached: with --load the index is written by buildx, not "
            "multiarch, so multiarch's SBOM and provenance cannot be added; use --output-layout "
            "DIR and `multiarch image push`, or --sbom=buildkit --provenance=buildkit for "
            "BuildKit's own (not reproducible)");
  // --push goes through multiarch's client, except for a Docker Hub tag.
  EXPECT_NE(attestation_note(own, false, "--push").find("a Docker Hub tag (no REGISTRY/ in it)"),
            std::string::npos);
  own.provenance = false;
  EXPECT_NE(attestation_note(own, true, "--load").find("multiarch's SBOM per platform"),
            std::string::npos);
  own.sbom = false;
  EXPECT_EQ(attestation_note(own, true, "--load"), "");
  EXPECT_EQ(attestation_note(choose_attestations(std::nullopt, "mode=max"), true, "--load"),
            "attestations: BuildKit's own, asked from buildx with --provenance=mode=max (not "
            "reproducible: they record build times)");
  auto buildkit = choose_attestations("buildkit", "mode=max");
  EXPECT_EQ(attestation_note(buildkit, false, "--push"),
            "attestations: BuildKit's own, asked from buildx with --sbom=true "
            "--provenance=mode=max (not reproducible: they record build times; BuildKit's SBOM "
            "needs the docker/buildkit-syft-scanner image)");
}

}  // namespace
}  // namespace multiarch
