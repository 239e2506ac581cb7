// Turns a Postman v2.1 collection (and environment) into a Bruno collection on disk the
// way Bruno does: Bruno's own converter (@usebruno/converters, what Bruno's "Import
// collection" runs) and Bruno's own file writers (@usebruno/filestore). The folder walk
// follows createCollectionFromBrunoObject in @usebruno/cli 4.1.0 (src/utils/collection.js,
// what `bru import … --output DIR` runs); the CLI itself is not installed because it
// pulls in the AWS SDK and a whole runner.
//
//   node export.js COLLECTION.json ENVIRONMENT.json OUT_DIR
//
// writes OUT_DIR/bru (the .bru layout) and OUT_DIR/yml (the YAML/OpenCollection layout),
// in one run: loading the converter is most of the time.
'use strict';

const fs = require('fs');
const path = require('path');
const { postmanToBruno, postmanToBrunoEnvironment } = require('@usebruno/converters');
const {
  stringifyCollection, stringifyEnvironment, stringifyFolder, stringifyRequest
} = require('@usebruno/filestore');

const REQUEST_ITEM_TYPES = ['http-request', 'graphql-request'];

// @usebruno/cli src/utils/filesystem.js
const sanitizeName = (name) => {
  if (!name) return '';
  return name
    .replace(/[<>:"/\\|?*\x00-\x1F]/g, '-')
    .replace(/^[.\s-]+/, '')
    .replace(/[.\s]+$/, '');
};

const writeItems = (items, dir, format) => {
  for (const item of items || []) {
    if (item.type === 'folder') {
      const folderPath = path.join(dir, sanitizeName(item.filename || item.name));
      fs.mkdirSync(folderPath, { recursive: true });
      if (item.root && item.root.meta && item.root.meta.name) {
        if (item.seq) item.root.meta.seq = item.seq;
        fs.writeFileSync(path.join(folderPath, format === 'bru' ? 'folder.bru' : 'folder.yml'),
          stringifyFolder(item.root, { format }));
      }
      writeItems(item.items, folderPath, format);
    } else if (REQUEST_ITEM_TYPES.includes(item.type)) {
      let filename = sanitizeName(item.filename || `${item.name}.${format}`);
      if (!filename.endsWith(`.${format}`)) filename += `.${format}`;
      const request = item.request || {};
      const itemJson = {
        type: item.type,
        name: item.name,
        seq: typeof item.seq === 'number' ? item.seq : 1,
        tags: item.tags || [],
        settings: {},
        request: {
          method: request.method || 'GET',
          url: request.url || '',
          headers: request.headers || [],
          params: request.params || [],
          auth: request.auth || {},
          body: request.body || {},
          script: request.script || {},
          vars: request.vars || { req: [], res: [] },
          assertions: request.assertions || [],
          tests: request.tests || '',
          docs: request.docs || ''
        },
        examples: item.examples || []
      };
      fs.writeFileSync(path.join(dir, filename), stringifyRequest(itemJson, { format }));
    } else {
      throw new Error(`Unsupported item type: ${item.type}`);
    }
  }
};

const writeCollection = async (collectionFile, environmentFile, out, format) => {
  const postman = JSON.parse(fs.readFileSync(collectionFile, 'utf8'));
  const converted = await postmanToBruno(postman);
  const collection = converted.collection || converted;
  const environment = postmanToBrunoEnvironment(JSON.parse(fs.readFileSync(environmentFile,
    'utf8')));
  collection.environments = [environment];

  fs.mkdirSync(out, { recursive: true });
  const brunoConfig = { version: '1', name: collection.name, type: 'collection',
    ignore: ['node_modules', '.git'] };
  if (format === 'yml') {
    brunoConfig.opencollection = '1.0.0';
  } else {
    fs.writeFileSync(path.join(out, 'bruno.json'), JSON.stringify(brunoConfig, null, 2));
  }
  if (collection.root) {
    fs.writeFileSync(path.join(out, format === 'bru' ? 'collection.bru' : 'opencollection.yml'),
      stringifyCollection(collection.root, brunoConfig, { format }));
  }
  const envDir = path.join(out, 'environments');
  fs.mkdirSync(envDir, { recursive: true });
  for (const env of collection.environments) {
    fs.writeFileSync(path.join(envDir, sanitizeName(`${env.name}.${format}`)),
      stringifyEnvironment(env, { format }));
  }
  writeItems(collection.items, out, format);
};

const main = async () => {
  const [collectionFile, environmentFile, out] = process.argv.slice(2);
  for (const format of ['bru', 'yml']) {
    await writeCollection(collectionFile, environmentFile, path.join(out, format), format);
  }
};

main().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
