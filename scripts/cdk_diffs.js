// Runs several `cdk diff` commands in one Node.js process, each by the pinned CLI's own entry point (the
// `exec` its bin/cdk runs, from the same bundle), one after the other, and writes what each printed and
// its exit status: a `cdk diff` spends most of its CPU starting Node and loading the CLI's 16 MB bundle,
// so scripts/review pays that once for all of a review's stacks instead of once per stack.
// Each command gets a fresh start of the CLI's own (its arguments parsed, cdk.json read, the assembly
// loaded, a new I/O host); only the process is shared. What a command writes to stdout and to stderr is
// kept apart, as a child process's would be.
// Usage: node scripts/cdk_diffs.js CLI_LIB JOBS_JSON RESULTS_JSON
//   CLI_LIB       the CLI's lib folder (node_modules/aws-cdk/lib)
//   JOBS_JSON     a JSON list of argument lists, each as given to `cdk` (["diff", "--app", ...])
//   RESULTS_JSON  where to write a JSON list of {status, stdout, stderr}, one per job, in order; a job
//                 whose command threw has status null and the error in `error`
"use strict";
const fs = require("fs");

process.setSourceMapsEnabled(true); // as the CLI's bin/cdk does, before its bundle is loaded

async function main() {
  const [cliLib, jobsFile, resultsFile] = process.argv.slice(2);
  const { exec } = require(cliLib);
  const jobs = JSON.parse(fs.readFileSync(jobsFile, "utf-8"));
  const results = [];
  const streams = { stdout: process.stdout, stderr: process.stderr };
  const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
  for (const args of jobs) {
    const captured = { stdout: [], stderr: [] };
    for (const name of Object.keys(streams)) {
      streams[name].write = (chunk, encoding, callback) => {
        captured[name].push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf-8"));
        const done = typeof encoding === "function" ? encoding : callback;
        if (done) process.nextTick(done);
        return true;
      };
    }
    const result = { status: 0 };
    try {
      const value = await exec(args);
      if (typeof value === "number") result.status = value; // as the CLI's cli() sets its exit code
    } catch (error) {
      result.status = null;
      result.error = String((error && error.stack) || error);
    } finally {
      for (const name of Object.keys(streams)) streams[name].write = originals[name];
    }
    result.stdout = captured.stdout.join("");
    result.stderr = captured.stderr.join("");
    results.push(result);
  }
  fs.writeFileSync(resultsFile, JSON.stringify(results));
}

main().then(() => process.exit(0), (error) => {
  process.stderr.write(`${(error && error.stack) || error}\n`);
  process.exit(2);
});
