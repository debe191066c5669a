"""Foreign-exchange reference rates (ECB euro rates): stored, imported and used to convert.

Below donations and payments, above core: it knows money and dates, nothing of rails.
"""
