#include "cli/cli.hpp"

int main(int argc, char** argv) { return multiarch::run_cli(argc, argv); }
