// Included in two translation units: an inline function or variable defined twice would fail to link.
#include "accountkpi/accountkpi.hpp"

int odr_b();
int main() {
    return odr_b() == static_cast<int>(accountkpi::version().size()) ? 0 : 1;
}
