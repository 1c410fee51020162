// The public header compiles as C++ (checked by `make test`).
#include "newsfacts.h"
int main() { return nf_version() == NF_VERSION_NUMBER ? 0 : 1; }
