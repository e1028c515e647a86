"""Path converters. `id` accepts only numbers a 64-bit database key can hold, so a forged
20-digit id is a plain 404 instead of an overflow in the database driver."""


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))
