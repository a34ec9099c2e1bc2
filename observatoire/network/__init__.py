"""The network: Confédération, Unions régionales, fédérations, territories and cooperatives."""
