/** The one seam to the CSV parser (`csv-parse`, synchronous API). @module */
export { parse } from "npm:csv-parse@5.5.6/sync";
