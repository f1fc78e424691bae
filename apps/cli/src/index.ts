export * from "./main.js";
