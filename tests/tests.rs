mod split;
mod stories_fixture;
mod vectorize;
