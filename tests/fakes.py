"""Fakes that subclass the real interfaces, for logic tests."""

from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """A keyring in a dict: a stand-in for a real keychain in unit tests."""

    priority = 1  # type: ignore[assignment]
    # keyring registers every backend class it sees; this one must never be picked as
    # the default for a SecretStore() that was not handed it.
    viable = False

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError(username)
