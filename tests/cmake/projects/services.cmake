# The services every sample consumer declares: the same code whichever way multiarch came in.
# user takes MULTIARCH_PLATFORMS (set by the test driver); order names its own, as an alias
# and a comma list, which the helper normalizes to linux/amd64 and linux/arm64, and turns the
# SBOM and provenance off, its metadata file named.
set(APP_MODE test CACHE STRING "An image setting the test changes")
add_multiarch_image(SERVICE user PORTS 8080/tcp ENV APP_MODE=${APP_MODE} LABELS team=platform)
add_multiarch_image(SERVICE order PLATFORMS amd64,aarch64 SBOM OFF PROVENANCE OFF
                    METADATA_FILE order-metadata.json)

# For the test driver: where this build's helper is (it compares it with the configure-time
# platform engine of in-tree builds).
file(GENERATE OUTPUT "${CMAKE_BINARY_DIR}/helper-path.txt"
     CONTENT "$<TARGET_FILE:multiarch::multiarch>")
