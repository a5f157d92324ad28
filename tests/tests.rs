mod model;
mod split;
mod stories_fixture;
mod vectorize;
