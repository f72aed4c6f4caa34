"""The zalo channel."""
