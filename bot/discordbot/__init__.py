"""The Discord front end: translates between Discord and the answer engine.

Importing this package does not import ``discord``: ``bot.discordbot.cli`` is
loaded by ``python -m bot`` even in console mode, and loads discord.py only
inside its handlers.
"""
