"""The Scrapy project and the command line of baotinh."""
