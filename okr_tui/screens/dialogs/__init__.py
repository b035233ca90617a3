"""Small modals over a screen: pickers, help, and the dialogs that ask for one thing."""
