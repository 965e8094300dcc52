// Small designs the CLI tests share: each has findings of known kinds.
// An error (DLV001), a warning with a fix (DSN002), an info (ORD006).
export const SHOP = `# Shop events.
design: shop
dsl: 1
desciption: the shop   # typo
channels:
  - name: order-events
    ordering: none
`;
// A duplicate name (DSN005, with related information) and a waived ORD006.
export const RELATED = `design: related
dsl: 1
channels:
  - name: order-events
    delivery: at-least-once
    ordering: none  # review-ignore ORD006: consumers sort by timestamp
  - name: order-events
    delivery: at-most-once
    ordering: none
    out_of_order: drop
`;
