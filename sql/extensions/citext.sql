-- citext: case-insensitive text, used for product, channel, OS and lookup names as in Socorro.
CREATE EXTENSION IF NOT EXISTS citext;
