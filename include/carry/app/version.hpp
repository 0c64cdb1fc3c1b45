#pragma once
namespace carry::app {
const char* version() noexcept;
}
