// A stand-in for an application that links the installed accountkpi.
#include <accountkpi/accountkpi.hpp>
#include <iostream>

int main() {
    accountkpi::demo::Options options;
    options.accounts = 40;
    const accountkpi::Book book = accountkpi::demo::book(options);
    std::cout << "accountkpi " << accountkpi::version() << ": " << book.accounts().size() << " accounts, "
              << book.revenue().size() << " revenue lines\n";
}
