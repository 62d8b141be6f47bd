/** The one seam to the CSV writer (`csv-stringify`, synchronous API; the csv project of csv-parse). @module */
export { stringify } from "npm:csv-stringify@6.9.0/sync";
