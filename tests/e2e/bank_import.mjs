// A trainer imports broken question files in the workbench ("导入与导出" tab), with the UI in
// Chinese: a CSV with two problems (an empty required cell in the questions table, a rubric
// row naming a question the file does not have) lists each at its table and row (the
// spreadsheet's numbering: the first data row is row 2), in Chinese with full-width
// punctuation and no English sentence; a text file renamed .yaml and an empty file each get
// one clear Chinese message, and the page still works after "清除". Then in English the same
// CSV lists the same problems in English. Nothing is imported (test_browser.py checks the bank).
// $E2E_BANK_IMPORT (JSON, from test_browser.py): token (a trainer's), badCsv, notBank, empty
// (paths of the files to upload), questions (how many questions the bank holds).
import {
  chooseOption,
  clickButton,
  expectNoText,
  expectText,
  runE2E,
  screenshot,
  step,
  useToken,
  waitForApp,
} from './helpers.mjs';

const config = JSON.parse(process.env.E2E_BANK_IMPORT || 'null');
if (!config || !config.token) throw new Error('E2E_BANK_IMPORT (JSON with a token) is required');
const { token, badCsv, notBank, empty, questions } = config;
const csvName = badCsv.split('/').pop();
const WAIT = { timeout: 60_000 }; // a busy CI machine: generous, but always waiting for a text
const CJK = /[\u3400-\u9fff]/;
const ASCII_PUNCTUATION = /[(),:;!?"']/; // the Chinese texts use （），：；！？“”
const ENGLISH_SENTENCE = /[A-Za-z]+ [A-Za-z]+ [A-Za-z]+/; // three English words in a row
const ENGLISH_MESSAGES = ['missing required field', 'must not be empty', 'is not in the questions table'];

function check(condition, what) {
  if (!condition) throw new Error(what);
}

async function openTab(page, name) {
  step(`open tab "${name}"`);
  await page.getByRole('tab', { name, exact: true }).click();
  await waitForApp(page);
}

async function upload(page, file) {
  step(`upload ${file}`);
  await page.locator('[data-testid="stFileUploader"] input[type=file]').setInputFiles(file);
  await waitForApp(page);
}

/**
 * The problem table's rows as [where, question, field, problem], read from the grid's
 * accessible table (st.dataframe draws on a canvas); waits until it has `count` rows.
 */
async function problemRows(page, header, count) {
  const grid = page
    .locator('[data-testid="stDataFrame"]')
    .filter({ has: page.locator('[role="columnheader"]', { hasText: header }) })
    .first();
  await grid.waitFor({ state: 'visible', timeout: WAIT.timeout });
  const read = () =>
    grid.evaluate((el) =>
      Array.from(el.querySelectorAll('tbody [role="row"]')).map((row) =>
        Array.from(row.querySelectorAll('[role="gridcell"]')).map((cell) => cell.textContent.trim()),
      ),
    );
  const deadline = Date.now() + WAIT.timeout;
  let rows = await read();
  while (rows.length !== count || rows.some((r) => r.length !== 4 || !r[0] || !r[3])) {
    if (Date.now() > deadline) throw new Error(`expected ${count} problem rows, read ${JSON.stringify(rows)}`);
    await page.waitForTimeout(200); // poll the grid until it has drawn its rows
    rows = await read();
  }
  step(`problem rows: ${JSON.stringify(rows)}`);
  return rows;
}

/** The row whose place is `where`; its other cells must be as given. */
function expectRow(rows, where, question, field, problem) {
  const row = rows.find((r) => r[0] === where);
  check(row, `no problem at "${where}" in ${JSON.stringify(rows)}`);
  check(
    row[1] === question && row[2] === field && row[3] === problem,
    `at "${where}": expected ${JSON.stringify([question, field, problem])}, got ${JSON.stringify(row.slice(1))}`,
  );
}

/** Messages said in Chinese (places too: no ASCII punctuation, no English sentence). */
function expectChinese(rows) {
  for (const [where, , , problem] of rows) {
    check(CJK.test(problem), `not Chinese: "${problem}"`);
    for (const text of [where, problem]) {
      check(!ASCII_PUNCTUATION.test(text), `ASCII punctuation in "${text}"`);
      check(!ENGLISH_SENTENCE.test(text), `English words in "${text}"`);
    }
  }
}

await runE2E('bank_import', async ({ page, url, shot }) => {
  await useToken(page, url, token);
  await page.goto(`${url}/workbench`, { waitUntil: 'domcontentloaded' });
  await waitForApp(page);
  await expectText(page, '题库工作台', { selector: 'h1', exact: true, ...WAIT });
  await openTab(page, '导入与导出');
  await expectText(page, '上传文件');

  step('a CSV with two problems, in Chinese');
  await upload(page, badCsv);
  await expectText(page, '发现 2 个问题，没有导入任何内容。修正后会自动重新检查：', WAIT);
  let rows = await problemRows(page, '位置（文件、表、行）', 2);
  expectRow(rows, `${csvName} · 题目表（questions） · 第 2 行`, 'cs-beh-01', 'title_zh', '不能为空');
  expectRow(
    rows,
    `${csvName} · 评分要点表（rubric_points） · 第 4 行`,
    'cs-beh-99',
    'question_id',
    '题目“cs-beh-99”不在 questions 表中',
  );
  expectChinese(rows);
  for (const english of ENGLISH_MESSAGES) await expectNoText(page, english);
  check((await page.locator('.st-key-workbench_import_go').count()) === 0, 'an Import button is offered');
  step('each problem at its table and row, in Chinese');
  await screenshot(page, shot('bank_import_errors_zh.png'));

  step('a text file renamed .yaml');
  await upload(page, notBank);
  await expectText(page, '发现 1 个问题，没有导入任何内容。修正后会自动重新检查：', WAIT);
  rows = await problemRows(page, '位置（文件、表、行）', 1);
  expectRow(rows, notBank.split('/').pop(), '', '', '这不是题库文件：内容只是一段文字，没有 YAML 格式的题目');
  expectChinese(rows);
  await expectNoText(page, '实际是'); // not "应为一道题目（键值映射），实际是 str"
  await screenshot(page, shot('bank_import_not_a_bank_zh.png'));

  step('an empty file');
  await upload(page, empty);
  await expectText(page, '发现 1 个问题，没有导入任何内容。修正后会自动重新检查：', WAIT);
  rows = await problemRows(page, '位置（文件、表、行）', 1);
  expectRow(rows, empty.split('/').pop(), '', '', '文件是空的');
  await screenshot(page, shot('bank_import_empty_zh.png'));

  step('the page still works: clear, the bank is as it was');
  await clickButton(page, '清除', { exact: true });
  await expectNoText(page, '发现 1 个问题');
  await expectNoText(page, empty.split('/').pop());
  await expectText(page, `当前题库共 ${questions} 题。`);
  await openTab(page, '题目');
  await expectText(page, `共 ${questions} 题（点选一行即可编辑）`);

  step('the same CSV in English');
  await chooseOption(page, 'Language / 语言', 'English');
  await expectText(page, 'Bank workbench', { selector: 'h1', exact: true, ...WAIT });
  await openTab(page, 'Import & export');
  await upload(page, badCsv);
  await expectText(page, 'Found 2 problem(s); nothing was imported. Fix them and the file is checked again:', WAIT);
  rows = await problemRows(page, 'Where (file, table, row)', 2);
  expectRow(rows, `${csvName} · questions table · row 2`, 'cs-beh-01', 'title_zh', 'must not be empty');
  expectRow(
    rows,
    `${csvName} · rubric_points table · row 4`,
    'cs-beh-99',
    'question_id',
    "question 'cs-beh-99' is not in the questions table",
  );
  for (const row of rows) check(!row.some((cell) => CJK.test(cell)), `Chinese in ${JSON.stringify(row)}`);
  step('each problem at its table and row, in English');
  await screenshot(page, shot('bank_import_errors_en.png'));
});
