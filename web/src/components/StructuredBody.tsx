import { Table, Text } from '@mantine/core';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function label(key: string): string {
  return key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .replace(/^\w/, (c) => c.toUpperCase());
}

function isRecord(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function Scalar({ value }: { value: Json }) {
  if (value === null || value === '') return <>—</>;
  if (typeof value === 'boolean') return <>{value ? 'Yes' : 'No'}</>;
  return <>{String(value)}</>;
}

function Value({ value, caption }: { value: Json; caption: string }) {
  if (Array.isArray(value)) {
    if (value.length === 0) return <>—</>;
    if (value.every(isRecord))
      return <RowsTable rows={value as Array<{ [key: string]: Json }>} caption={caption} />;
    return (
      <ul style={{ margin: 0, paddingLeft: 18 }}>
        {value.map((v, i) => (
          <li key={i}>
            <Value value={v} caption={caption} />
          </li>
        ))}
      </ul>
    );
  }
  if (isRecord(value)) return <KeyValueTable value={value} caption={caption} />;
  return <Scalar value={value} />;
}

/** An array of objects: one column per key (in order of first appearance), one row per item. */
function RowsTable({ rows, caption }: { rows: Array<{ [key: string]: Json }>; caption: string }) {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return (
    <Table.ScrollContainer minWidth={320}>
      <Table withTableBorder withColumnBorders striped fz="sm">
        <caption className="visually-hidden">{caption}</caption>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c} scope="col">
                {label(c)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row, i) => (
            <Table.Tr key={i}>
              {columns.map((c) => (
                <Table.Td key={c}>{c in row ? <Value value={row[c]} caption={label(c)} /> : '—'}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function KeyValueTable({ value, caption }: { value: { [key: string]: Json }; caption: string }) {
  return (
    <Table withTableBorder fz="sm" variant="vertical">
      <caption className="visually-hidden">{caption}</caption>
      <Table.Tbody>
        {Object.entries(value).map(([k, v]) => (
          <Table.Tr key={k}>
            <Table.Th scope="row" w="35%">
              {label(k)}
            </Table.Th>
            <Table.Td>
              <Value value={v} caption={label(k)} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** A document body as fed by the EHR: text as text, a JSON object as tables (API.md v1.1). */
export function StructuredBody({ body, title }: { body: unknown; title: string }) {
  if (typeof body === 'string') {
    return (
      <Text component="pre" className="doc-body" size="sm">
        {body}
      </Text>
    );
  }
  if (body && typeof body === 'object' && !Array.isArray(body))
    return <KeyValueTable value={body as { [key: string]: Json }} caption={title} />;
  return <Scalar value={(body ?? null) as Json} />;
}
