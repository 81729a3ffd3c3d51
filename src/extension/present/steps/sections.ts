// Step texts: Section objects and their views (Windows Internals 7e, ch. 5, "Section objects").
import { PAGE_EXECUTE_WRITECOPY, PAGE_WRITECOPY, SEC_IMAGE, SEC_RESERVE } from '../../../engine/constants';
import type { StepTexts } from './text';

export const SECTION_TEXTS: StepTexts = {
  'section.create': {
    needs: ['pid', 'controlArea', 'size'],
    text: (a, l10n, raw) => {
      const image = typeof raw.args.attributes === 'number' && (raw.args.attributes & SEC_IMAGE) !== 0;
      const s = image
        ? l10n.t('Process {pid} created an image section object (SEC_IMAGE) of {size} bytes for {file} (MmCreateSection). The control area ({controlArea}) and its subsections follow the image\'s PE sections, one prototype PTE per page. Image pages are read from the file; writable ones are copy-on-write, so a modified image page goes to the paging file, never back to the image file.', a)
        : typeof raw.args.file === 'string' && raw.args.file !== ''
        ? l10n.t('Process {pid} created a section object of {size} bytes backed by the file {file} (MmCreateSection). The file\'s control area ({controlArea}) with its segment and subsections describes the pages, one prototype PTE per page; modified pages of a shared view are written back to the file.', a)
        // Microsoft Learn, CreateFileMapping (SEC_COMMIT, the default, commits the whole mapping; SEC_RESERVE only
        // reserves it, its pages committed later with VirtualAlloc) and Windows Internals 7e ch. 5, "Commit charge".
        : typeof raw.args.attributes === 'number' && (raw.args.attributes & SEC_RESERVE) !== 0
        ? l10n.t('Process {pid} created a section object of {size} bytes backed by the paging file (MmCreateSection) with SEC_RESERVE. A control area ({controlArea}) and a segment with one prototype PTE per page describe the shared pages; nothing is charged to commit yet: a view\'s pages are committed, and charged, when VirtualAlloc commits them, and no physical page is used until one is touched.', a)
        : l10n.t('Process {pid} created a section object of {size} bytes backed by the paging file (MmCreateSection). A control area ({controlArea}) and a segment with one prototype PTE per page describe the shared pages; the whole size is charged to commit now (SEC_COMMIT, the default), but no physical page is used until one is touched.', a);
      return typeof raw.args.name === 'string' && raw.args.name !== '' ? `${s} ${l10n.t('The section is named {name}, so other processes can open it.', a)}` : s;
    },
  },
  'section.open': {
    needs: ['pid', 'controlArea', 'name'],
    text: (a, l10n) => l10n.t('Process {pid} opened the existing section object {name} by name (OpenFileMapping ends in ObOpenObjectByName): its handle refers to the same section (control area {controlArea}), so the views it maps share the same physical pages.', a),
  },
  'section.mapView': {
    needs: ['pid', 'controlArea', 'base', 'size', 'offset'],
    text: (a, l10n, raw) => {
      const s = l10n.t('Process {pid} mapped a view of {size} bytes of the section (control area {controlArea}) at {base}, from offset {offset}: a new VAD. No page is touched yet; on first access each PTE is filled from the section\'s prototype PTE.', a);
      const protect = typeof raw.args.protect === 'number' ? raw.args.protect : 0;
      return protect & (PAGE_WRITECOPY | PAGE_EXECUTE_WRITECOPY) ? `${s} ${l10n.t('The view is copy-on-write: the first write to a page gives this process a private copy of it.', a)}` : s;
    },
  },
  'section.unmapView': {
    needs: ['pid', 'controlArea', 'base', 'size'],
    text: (a, l10n) => l10n.t('Process {pid} unmapped the view at {base} ({size} bytes) of control area {controlArea}: its VAD is removed and its pages leave the working set. The section\'s pages stay while the section or other views still reference them.', a),
  },
  'section.delete': {
    needs: ['controlArea', 'freedPages'],
    // Windows Internals 7e ch. 5, "Section objects" and "Page list dynamics": a pagefile-backed section's pages
    // die with it; a mapped file's control area stays while the file has pages in memory, which stay on standby as
    // cache until repurposed or purged. MiSegmentDelete, MiDeleteEmptyControlAreas: public symbols.
    text: (a, l10n) => l10n.t('MiSegmentDelete deletes control area {controlArea} with its segment and prototype PTEs; {freedPages} page(s) still holding its data went to the free list. A section backed by the paging file is deleted as soon as no section object or view refers to it. A mapped file\'s control area outlives those references while the file has pages in memory, and is deleted once its last page has been repurposed or purged, or when the file is truncated or replaced.', a),
  },
  // Windows Internals 7e ch. 5, "Section objects" (control areas) and "Page list dynamics" (standby pages as
  // cache); MiCheckControlArea, MiInsertUnusedSegment: public symbols.
  'section.keepCached': {
    needs: ['controlArea', 'pages'],
    text: (a, l10n) => l10n.t('Nothing refers to control area {controlArea} any more (no section object, no view), but {pages} page(s) of its file are still in memory: MiCheckControlArea keeps the control area, on the unused segment list, instead of deleting it. Its pages stay on the standby list as a cache (modified ones first go to the modified list, and the mapped page writer writes them to the file): a later section for the same file reuses this control area, and a page still on standby comes back with a soft fault, without reading the file. The control area is deleted when its last page is repurposed or purged.', a),
  },
};
