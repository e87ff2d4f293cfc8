-- A module reloaded on each request of /module (package.loaded reset, then require).
return { text = "greeting version 1" }
