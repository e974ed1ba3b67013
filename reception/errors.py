"""The reception app's domain errors, shared by its service modules and its policy."""


class ReceptionError(Exception):
    """A rule said no; the message is for the user and already translated."""


class SessionFull(ReceptionError):
    def __init__(self, message: str, *, session):
        super().__init__(message)
        self.session = session
