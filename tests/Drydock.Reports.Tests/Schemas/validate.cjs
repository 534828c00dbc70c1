// Validates a CycloneDX 1.6, SPDX 2.3 or SARIF 2.1.0 JSON document with validators from npm.
// Usage: node validate.cjs cyclonedx|spdx|sarif FILE   (exit 0 valid, 1 invalid, 2 validators missing)
'use strict';
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const modules = process.env.DRYDOCK_NPM_DIR
  || path.join(require('os').homedir(), '.cache', 'drydock-tests', 'npm');
const load = createRequire(path.join(modules, 'package.json'));

async function main() {
  const [format, file] = process.argv.slice(2);
  const text = fs.readFileSync(file, 'utf8');
  let libraries;
  try {
    libraries = {
      cdx: load('@cyclonedx/cyclonedx-library'),
      Ajv: load('ajv').default,
      Ajv2020: load('ajv/dist/2020').default,
      addFormats: load('ajv-formats').default,
    };
  } catch (error) {
    console.error(`validators missing under ${modules}: ${error.message}`);
    process.exit(2);
  }

  if (format === 'cyclonedx') {
    const { Validation, Spec } = libraries.cdx;
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    const errors = await validator.validate(text);
    if (errors !== null) {
      console.error(JSON.stringify(errors, null, 2));
      process.exit(1);
    }
    return;
  }

  // The SARIF schema is the one the SARIF Multitool package ships (JSON Schema 2020-12).
  const sarif = format === 'sarif';
  const schemaFile = sarif
    ? path.join(modules, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'sarif-2.1.0.json')
    : path.join(__dirname, 'spdx-schema-2.3.json');
  if (sarif && !fs.existsSync(schemaFile)) {
    console.error(`SARIF schema missing: ${schemaFile}`);
    process.exit(2);
  }
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
  const ajv = sarif
    ? new libraries.Ajv2020({ allErrors: true, strict: false })
    : new libraries.Ajv({ allErrors: true, strict: false });
  libraries.addFormats(ajv);
  const validate = ajv.compile(schema);
  if (!validate(JSON.parse(text))) {
    console.error(JSON.stringify(validate.errors, null, 2));
    process.exit(1);
  }
}

main().catch(error => {
  console.error(error.stack || String(error));
  process.exit(1);
});
