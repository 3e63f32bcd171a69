#pragma once
// Moved to the image stage (image/image_options.hpp); kept so branches that still include the
// old path build. Include "image/image_options.hpp" instead.
#include "image/image_options.hpp"
